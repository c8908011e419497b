import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyReply } from 'fastify';

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

/**
 * The headers OWASP's REST Security Cheat Sheet asks of an API response: nothing in it
 * may be framed, sniffed as another type, or run as a document.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Security headers for every response: the API set on everything, and helmet's full set
 * for documents (any `text/html` response: the API docs, the account pages and whatever
 * page a later feature serves), whose policy allows their own scripts and styles.
 */
export class SecurityHeaders {
  private readonly api = Object.entries(API_SECURITY_HEADERS);
  private readonly page: [string, string][];

  constructor(pageOptions: HelmetOptions) {
    this.page = Object.entries(securityHeaders(pageOptions));
  }

  /** onRequest: every response starts with the API set (errors and streams included). */
  apply(reply: FastifyReply): void {
    for (const [name, value] of this.api) reply.raw.setHeader(name, value);
  }

  /** onSend: a document gets the page set instead. */
  applyToDocument(reply: FastifyReply): void {
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !type.startsWith('text/html')) return;
    for (const [name, value] of this.page) reply.raw.setHeader(name, value);
  }
}
