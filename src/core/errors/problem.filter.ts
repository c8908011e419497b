import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RouteTable } from '../http/route-table.js';
import { AppException } from './app.exception.js';
import { databaseUnavailable, isDatabaseUnavailable } from './dependency-errors.js';
import { CoreErrorCode, defaultCodeForStatus } from './error-codes.js';
import { PROBLEM_CONTENT_TYPE, problemType, statusTitle, type FieldError } from './problem.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  title?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

const FASTIFY_CODES: Record<string, CoreErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: CoreErrorCode.UnsupportedMediaType,
  FST_ERR_CTP_BODY_TOO_LARGE: CoreErrorCode.PayloadTooLarge,
  FST_ERR_CTP_INVALID_JSON_BODY: CoreErrorCode.MalformedJson,
  FST_ERR_CTP_EMPTY_JSON_BODY: CoreErrorCode.MalformedJson,
};

/** The cause of a dependency failure, for the log: message and code, never a stack. */
function describeCause(exception: unknown): string {
  let e: unknown = exception;
  if (e instanceof AppException && e.cause) e = e.cause;
  const record = e as { message?: unknown; code?: unknown } | undefined;
  const message = typeof record?.message === 'string' ? record.message : String(e);
  return typeof record?.code === 'string' ? `${record.code}: ${message}` : message;
}

/** The readiness probe's own 503 code (see health/). */
const HealthNotReady = 'NOT_READY';

function causeCode(exception: HttpException): string | undefined {
  const cause = exception.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The one place errors become responses: RFC 9457 problem+json with a stable code and
 * the request id. 5xx details stay in the log.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    const log = request.log ?? this.logger;
    // request.log already carries the request id; the fallback logger does not.
    const id = request.log ? {} : { requestId: request.id };
    if (problem.status === 503 && problem.code !== HealthNotReady) {
      // An outage, not a bug: one line with the cause, no stack. (A 503 from the readiness
      // probe is its normal answer while not ready, not worth a line per probe.)
      log.warn(
        { ...id, code: problem.code, cause: describeCause(exception) },
        'dependency unavailable',
      );
    } else if (problem.status >= 500 && problem.status !== 503) {
      log.error({ ...id, err: exception }, 'request failed');
    }
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    const body = {
      type: problemType(problem.code),
      title: problem.title ?? statusTitle(problem.status),
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      instance: (request.url ?? '').split('?')[0],
      requestId: request.id,
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(problem.extensions ?? {}),
    };
    void reply
      .status(problem.status)
      .headers(problem.headers ?? {})
      .header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(body));
  }

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    const ours = exception instanceof AppException || exception instanceof HttpException;
    if (!ours && isDatabaseUnavailable(exception)) {
      return this.toProblem(databaseUnavailable(exception), request);
    }
    if (exception instanceof AppException) {
      return {
        status: exception.status,
        code: exception.code,
        detail: exception.detail,
        title: exception.options.title,
        errors: exception.options.errors,
        headers: exception.options.headers,
        extensions: exception.options.extensions,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404 && messageOf(exception).startsWith('Cannot ')) {
        return this.unknownRoute(request);
      }
      const fastifyCode = causeCode(exception);
      const code = (fastifyCode && FASTIFY_CODES[fastifyCode]) ?? defaultCodeForStatus(status);
      if (status >= 500) {
        return { status, code, detail: 'The server could not complete the request.' };
      }
      return { status, code, detail: this.detailFor(code, exception) };
    }
    return {
      status: 500,
      code: CoreErrorCode.InternalError,
      detail: 'The server could not complete the request.',
    };
  }

  private detailFor(code: string, exception: HttpException): string {
    switch (code as CoreErrorCode) {
      case CoreErrorCode.MalformedJson:
        return 'The request body is not valid JSON.';
      case CoreErrorCode.PayloadTooLarge:
        return 'The request body is larger than the server accepts.';
      case CoreErrorCode.UnsupportedMediaType:
        return 'The request body has a content type this endpoint does not accept; send application/json.';
      default:
        return messageOf(exception);
    }
  }

  private unknownRoute(request: FastifyRequest): Problem {
    const allowed = this.routes.allowedMethods(request.url);
    if (allowed.length > 0) {
      return {
        status: 405,
        code: CoreErrorCode.MethodNotAllowed,
        detail: `${request.method} is not allowed here; allowed: ${allowed.join(', ')}.`,
        headers: { allow: allowed.join(', ') },
      };
    }
    return {
      status: 404,
      code: CoreErrorCode.RouteNotFound,
      detail: `No route matches ${request.method} ${(request.url ?? '').split('?')[0]}.`,
    };
  }
}
