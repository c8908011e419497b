import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The security headers helmet would set, computed once: none of Meridian's policies
 * depends on the request (no nonces, no per-route options), so rebuilding the
 * Content-Security-Policy on every request (as the per-request middleware does) buys
 * nothing.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as never, response as never, (err?: unknown) => (failure = err));
  if (failure instanceof Error) throw failure;
  if (failure) throw new Error('helmet refused its options');
  return headers;
}

/** Sends the same security headers on every response (errors, 404s and streams included). */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaders(options);
  const entries = Object.entries(headers);
  fastify.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    done();
  });
}
