import 'reflect-metadata';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ACCOUNT_PAGE_ROUTES } from './account-pages/account-page-paths.js';
import { registerQueueDashboard } from './admin/queues/queue-dashboard.js';
import { AppModule } from './app.module.js';
import { AppRole, type AppConfig } from './config/app-config.js';
import { AppException } from './core/errors/app.exception.js';
import { CoreErrorCode } from './core/errors/error-codes.js';
import { ProblemFilter } from './core/errors/problem.filter.js';
import { PROBLEM_CONTENT_TYPE, problemType, statusTitle } from './core/errors/problem.js';
import { createValidationPipe } from './core/errors/validation.js';
import { PinoNestLogger } from './core/logging/logger.js';
import { registerRequestObservation } from './core/http/request-log.js';
import { MetricsService } from './core/metrics/metrics.service.js';
import { ShutdownState } from './core/http/shutdown-state.js';
import { REQUEST_ID_HEADER, requestIdFor } from './core/http/request-id.js';
import { runInRequestContext } from './core/http/request-context.js';
import { RouteTable } from './core/http/route-table.js';
import { lazyRequestLogger } from './core/logging/request-logger.js';
import { SecurityHeaders } from './core/http/security-headers.js';
import {
  invalidStrings,
  paramDefects,
  queryDefects,
  registerJsonBodyParser,
} from './core/http/json-body.js';
import type { DatabaseRuntime } from './database/database-runtime.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { queueConnection, type QueueConnection } from './queue/queue-connection.js';

export const API_PREFIX = 'api/v1';
const UNPREFIXED = [
  'health',
  'health/live',
  'health/ready',
  'health/detailed',
  'health/services/:name',
  'health/metrics',
  'metrics',
  '.well-known/openid-configuration',
  '.well-known/jwks.json',
  ...ACCOUNT_PAGE_ROUTES,
];
const NOT_RATE_LIMITED = /^\/(health\/|metrics$|metrics\?)/;

export interface CreatedApp {
  app: NestFastifyApplication;
  queue: QueueConnection;
}

export interface CreateAppOptions {
  /** Build only the module graph (no connections), for the OpenAPI document. */
  preview?: boolean;
  /** Extra modules to mount (test fixtures). */
  imports?: NonNullable<DynamicModule['imports']>;
}

/** Builds the whole application (not yet listening): the one path for main, tests and tools. */
export async function createApp(
  config: AppConfig,
  logger: Logger,
  database: DatabaseRuntime,
  options: CreateAppOptions = {},
): Promise<CreatedApp> {
  const queue = queueConnection(config, database.url);
  const routes = new RouteTable();
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    childLoggerFactory: lazyRequestLogger as never,
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    requestIdHeader: false,
    genReqId: requestIdFor,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy as boolean | string[],
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    // A path that is not valid percent-encoded UTF-8 never reaches a route: answer it in
    // the same problem+json shape as every other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const badUrl = error.code === 'FST_ERR_BAD_URL';
      const status = badUrl ? 400 : (error.statusCode ?? 500);
      const detail = badUrl
        ? 'The request path is not valid percent-encoded UTF-8.'
        : 'The server could not complete the request.';
      void reply
        .status(status)
        .header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
        .header(REQUEST_ID_HEADER, request.id)
        .send(
          JSON.stringify({
            type: problemType(
              badUrl ? CoreErrorCode.ValidationFailed : CoreErrorCode.InternalError,
            ),
            title: badUrl ? 'Validation failed' : statusTitle(status),
            status,
            detail,
            code: badUrl ? CoreErrorCode.ValidationFailed : CoreErrorCode.InternalError,
            instance: (request.url ?? '').split('?')[0],
            requestId: request.id,
            ...(badUrl
              ? { errors: [{ field: 'path', rule: 'wellFormedString', message: detail }] }
              : {}),
          }),
        );
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, database, queue, options.imports),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      preview: options.preview,
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify, undefined, {
    rawBodyLimitBytes: config.connections.webhookBodyLimitBytes,
  });

  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  const security = new SecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
        scriptSrc: [`'self'`, `https: 'unsafe-inline'`],
        // Served over plain HTTP on any host (local runs, cluster-internal names), the docs
        // must load their assets over HTTP too; TLS is the proxy's job.
        upgradeInsecureRequests: null,
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
    security.apply(reply);
    const userAgent = request.headers['user-agent'];
    runInRequestContext(
      { requestId: request.id, ip: request.ip, userAgent: userAgent?.slice(0, 300) },
      done,
    );
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const defects = [...paramDefects(request.params), ...queryDefects(request.url)];
    done(defects.length > 0 ? invalidStrings(defects) : undefined);
  });
  if (!options.preview) {
    const shutdown = app.get(ShutdownState);
    // While shutting down, every response closes its connection so keep-alive clients
    // move to another replica and the listener can drain.
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      security.applyToDocument(reply);
      if (shutdown.shuttingDown) void reply.header('connection', 'close');
      done(null, payload);
    });
    registerRequestObservation(fastify, app.get(MetricsService));
  }

  if (config.http.corsOrigins.length > 0) {
    const any = config.http.corsOrigins.includes('*');
    await app.register(cors, {
      origin: any ? '*' : config.http.corsOrigins,
      credentials: !any,
      exposedHeaders: [REQUEST_ID_HEADER, 'retry-after', 'location'],
      maxAge: 600,
    });
  }
  if (config.http.rateLimit.max > 0) {
    const redis =
      config.queue.redisUrl && !options.preview
        ? new Redis(config.queue.redisUrl, {
            connectTimeout: 500,
            maxRetriesPerRequest: 1,
            enableOfflineQueue: false,
          })
        : undefined;
    if (redis) fastify.addHook('onClose', async () => void redis.disconnect());
    await app.register(rateLimit, {
      global: true,
      max: config.http.rateLimit.max,
      timeWindow: config.http.rateLimit.windowMs,
      redis,
      nameSpace: `${config.queue.prefix}:rate-limit:`,
      skipOnError: true,
      allowList: (request) => NOT_RATE_LIMITED.test(request.url),
      errorResponseBuilder: (_request, context) =>
        new AppException(
          429,
          CoreErrorCode.RateLimited,
          `Too many requests; retry after ${context.after}.`,
          {
            headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
          },
        ),
    });
  }

  app.setGlobalPrefix(API_PREFIX, {
    exclude: UNPREFIXED.map((path) => ({ path, method: RequestMethod.GET })),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(logger, routes));

  if (config.http.docsEnabled && config.role !== AppRole.Worker) {
    // Built on the first request for the docs or the document, not at every start.
    SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
      jsonDocumentUrl: 'openapi.json',
      yamlDocumentUrl: 'openapi.yaml',
      useGlobalPrefix: false,
    });
  }
  if (!options.preview && config.role !== AppRole.Worker) await registerQueueDashboard(app);
  if (!options.preview) await app.init();
  return { app, queue };
}
