import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redactRequestUrl } from '../logging/logger.js';
import type { MetricsService } from '../metrics/metrics.service.js';

const UNLOGGED = /^\/(health\/|metrics$)/;

/**
 * One log line and one histogram observation per request, also for streams (server-sent
 * events written to the raw response) and for responses the client abandoned before they
 * finished (`clientAborted: true`, with the status that was sent or would have been).
 */
export function registerRequestObservation(
  fastify: FastifyInstance,
  metrics: MetricsService,
): void {
  const observed = new WeakSet<FastifyRequest>();
  const observe = (request: FastifyRequest, reply: FastifyReply, clientAborted: boolean) => {
    if (observed.has(request)) return;
    observed.add(request);
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    metrics.observeHttp(request.method, route, reply.statusCode, ms / 1000);
    if (UNLOGGED.test(route)) return;
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    // The root logger with the request id as a field: the same line a request's child
    // logger would write, without making one per request.
    fastify.log[level](
      {
        requestId: request.id,
        method: request.method,
        route,
        url: redactRequestUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(ms * 10) / 10,
        ...(clientAborted ? { clientAborted } : {}),
      },
      'request',
    );
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) observe(request, reply, true);
    });
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    observe(request, reply, false);
    done();
  });
}
