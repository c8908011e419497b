import type { ServerResponse } from 'node:http';

/**
 * Writes text/event-stream frames to a raw response, with heartbeats for idle proxies.
 * Write the first event right after constructing it: that sends the headers too.
 */
export class SseWriter {
  private heartbeat?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string | number | string[] | undefined>,
    heartbeatMs: number,
  ) {
    // Not flushed on their own: the headers leave with the first event (the chat writes
    // one at once), in one write to the socket rather than two.
    res.writeHead(200, {
      ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.heartbeat = setInterval(() => this.comment('ping'), heartbeatMs);
    this.heartbeat.unref();
  }

  get open(): boolean {
    return !this.ended && !this.res.destroyed && this.res.writable;
  }

  event(name: string, data: unknown): void {
    if (!this.open) return;
    this.res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    if (!this.open) return;
    this.res.write(`: ${text}\n\n`);
  }

  end(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.ended) return;
    this.ended = true;
    if (!this.res.destroyed) this.res.end();
  }
}
