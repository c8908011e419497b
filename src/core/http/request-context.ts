import { AsyncLocalStorage } from 'node:async_hooks';

/** Who sent the request being served: read by code that records what a request did. */
export interface RequestContext {
  requestId: string;
  ip?: string;
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (the rest of the request's hooks and its handler) inside `context`. */
export function runInRequestContext(context: RequestContext, fn: () => void): void {
  storage.run(context, fn);
}

/** The current request's context; undefined outside a request (jobs, start-up). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
