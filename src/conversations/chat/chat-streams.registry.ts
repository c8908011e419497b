import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

interface ActiveStream {
  userId: string;
  conversationId: string;
  abort: AbortController;
}

/**
 * The generations running in this process: counts per user for the concurrency cap and
 * lets shutdown end them cleanly (their partial answers are saved as aborted).
 */
@Injectable()
export class ChatStreams implements BeforeApplicationShutdown {
  private readonly active = new Set<ActiveStream>();
  private drained?: () => void;

  countForUser(userId: string): number {
    let n = 0;
    for (const s of this.active) if (s.userId === userId) n++;
    return n;
  }

  add(userId: string, conversationId: string, abort: AbortController): () => void {
    const entry = { userId, conversationId, abort };
    this.active.add(entry);
    return () => {
      this.active.delete(entry);
      if (this.active.size === 0) this.drained?.();
    };
  }

  get size(): number {
    return this.active.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.active.size === 0) return;
    const done = new Promise<void>((resolve) => (this.drained = resolve));
    for (const s of this.active) s.abort.abort(new ShutdownAbort());
    await done;
  }
}

export class ShutdownAbort extends Error {
  override name = 'ShutdownAbort';
  constructor() {
    super('the server is shutting down');
  }
}

export class ClientGone extends Error {
  override name = 'ClientGone';
  constructor() {
    super('the client disconnected');
  }
}

export class IdleTimeout extends Error {
  override name = 'IdleTimeout';
  constructor() {
    super('the model provider stopped sending');
  }
}
