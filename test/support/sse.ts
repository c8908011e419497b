import { checkEvent } from './openapi-contract.js';

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a text/event-stream response into events (and comment lines), until it ends or
 * `stop` says so. Each event is checked against the event schema openapi.json documents
 * for the response (so the response must come from TestApp.request).
 */
export async function readSse(
  res: Response,
  stop?: (event: SseEvent, all: SseEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<{ events: SseEvent[]; comments: string[] }> {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const reader = res.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`SSE stream did not finish in ${timeoutMs} ms`);
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let sep: number;
    while ((sep = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, sep);
      buffer = buffer.slice(sep + 2);
      let name = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) {
        const event = { event: name, data: JSON.parse(data) as unknown };
        checkEvent(res, event);
        events.push(event);
        if (stop?.(event, events)) {
          await reader.cancel();
          return { events, comments };
        }
      }
    }
  }
  return { events, comments };
}
