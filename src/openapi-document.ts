import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger';
import { AuthErrorCode } from './auth/auth-error-codes.js';
import { REQUIRED_PERMISSIONS, REQUIRED_ROLES } from './auth/decorators/auth.decorators.js';
import {
  mergeProblemCodes,
  PROBLEM_CODES_KEY,
  problemResponse,
  type ProblemCodeDoc,
  type ProblemMap,
} from './core/errors/api-problems.decorator.js';
import { CoreErrorCode } from './core/errors/error-codes.js';
import { ProblemDetails } from './core/errors/problem.js';
import { ParseUuidPipe } from './core/http/parse-uuid.pipe.js';
import { IS_PUBLIC } from './core/http/public.decorator.js';
import { REQUEST_ID_HEADER } from './core/http/request-id.js';

const DESCRIPTION = `Identity, service connections, AI conversations, administration, migration orchestration and repository analysis behind one contract.

**Errors** are RFC 9457 problem details (\`application/problem+json\`, schema \`ProblemDetails\`) with a stable \`code\` and the \`requestId\`. Each operation lists every status it can answer and, per status, every code.

**Every operation** can answer 500 \`INTERNAL_ERROR\`; every one except \`/health/*\` and \`/metrics\` can answer 429 \`RATE_LIMITED\` (with \`Retry-After\`); every one that reads the database can answer 503 \`DATABASE_UNAVAILABLE\` (with \`Retry-After\`); every authenticated one can answer 401 and 503 \`IDENTITY_PROVIDER_UNAVAILABLE\`. Operations with a JSON body accept only \`application/json\` (415 \`UNSUPPORTED_MEDIA_TYPE\`) up to the body limit (413 \`PAYLOAD_TOO_LARGE\`) and answer 400 \`MALFORMED_JSON\`, \`BODY_TOO_COMPLEX\` (nested too deeply or too many elements) or \`VALIDATION_FAILED\` (also for NUL bytes and lone surrogates in any string, query parameters included).

**Other methods and paths**: a method a path does not list answers 405 \`METHOD_NOT_ALLOWED\` with an \`Allow\` header (the \`MethodNotAllowed\` response); a path not in this document answers 404 \`ROUTE_NOT_FOUND\` (the \`RouteNotFound\` response). Both are problem details.

Every response carries \`X-Request-Id\` (the caller's, when it is 8-128 of \`A-Za-z0-9._:-\`, else a new one).`;

/** Builds the OpenAPI document from the controllers' metadata (no port needed). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Meridian API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .setLicense('Proprietary', 'https://meridian.dev/license')
    .addServer('/', 'This server')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'Access token from Keycloak or POST /api/v1/auth/login',
      },
      'bearer',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetails],
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  return finishContract(document, routePolicies(app));
}

/** What the guards enforce on a route, read from the same metadata they read. */
export interface RoutePolicy {
  public: boolean;
  roles: string[];
  permissions: string[];
  /** Path parameters the route parses with ParseUuidPipe. */
  uuidParams: string[];
}

/** The policy of every route handler, by method name (the operation id). */
function routePolicies(app: INestApplication): Map<string, RoutePolicy> {
  const policies = new Map<string, RoutePolicy>();
  const handlers = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (!Reflect.hasMetadata(PATH_METADATA, handler) || handlers.has(handler)) continue;
        handlers.add(handler);
        const read = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ??
          (Reflect.getMetadata(key, controller) as T | undefined);
        if (policies.has(name))
          throw new Error(`Two routes are named ${name}: operation ids must be unique`);
        policies.set(name, {
          public: read<boolean>(IS_PUBLIC) === true,
          roles: read<string[]>(REQUIRED_ROLES) ?? [],
          permissions: read<string[]>(REQUIRED_PERMISSIONS) ?? [],
          uuidParams: uuidParams(controller, name),
        });
      }
    }
  }
  return policies;
}

interface RouteArgument {
  data?: unknown;
  pipes?: unknown[];
}

function uuidParams(controller: object, method: string): string[] {
  const args =
    (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) as
      Record<string, RouteArgument> | undefined) ?? {};
  return Object.entries(args)
    .filter(
      ([key, arg]) => key.startsWith(`${RouteParamtypes.PARAM}:`) && typeof arg.data === 'string',
    )
    .filter(([, arg]) =>
      (arg.pipes ?? []).some((pipe) => pipe === ParseUuidPipe || pipe instanceof ParseUuidPipe),
    )
    .map(([, arg]) => arg.data as string);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const NOT_RATE_LIMITED = /^\/(health\/|metrics$)/;
/** Operations that never read the database (health reports it as NOT_READY instead). */
const NO_DATABASE = new Set([
  '/health',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/.well-known/openid-configuration',
]);

const RETRY: ProblemCodeDoc['headers'] = ['Retry-After'];
const CHALLENGE: ProblemCodeDoc['headers'] = ['WWW-Authenticate'];

/** Problem codes that come from mechanisms every route shares, not from the route itself. */
export function sharedProblems(
  path: string,
  operation: OperationObject,
  policy: RoutePolicy,
): ProblemMap {
  const problems: ProblemMap = {};
  const add = (status: number, codes: ProblemMap[number]) => {
    problems[status] = { ...problems[status], ...codes };
  };
  const jsonBody =
    operation.requestBody !== undefined &&
    'content' in operation.requestBody &&
    operation.requestBody.content['application/json'] !== undefined;
  const hasParameters = (operation.parameters?.length ?? 0) > 0;
  if (jsonBody) {
    add(400, {
      [CoreErrorCode.MalformedJson]: 'The body is not valid JSON (or is empty).',
      [CoreErrorCode.BodyTooComplex]: 'The body is nested too deeply or holds too many elements.',
    });
  }
  if (jsonBody || hasParameters) {
    add(400, {
      [CoreErrorCode.ValidationFailed]:
        'A field or parameter is invalid (also a NUL byte or a lone surrogate in any string); `errors` names each one.',
    });
  }
  if (jsonBody) {
    add(413, { [CoreErrorCode.PayloadTooLarge]: 'The body is larger than the server accepts.' });
    add(415, {
      [CoreErrorCode.UnsupportedMediaType]: 'The body is not `application/json`.',
    });
  }
  if (!policy.public) {
    add(401, {
      [AuthErrorCode.AuthRequired]: { description: 'No bearer token.', headers: CHALLENGE },
      [AuthErrorCode.TokenInvalid]: {
        description:
          'The token is malformed, badly signed, from another issuer or audience, or not an access token.',
        headers: CHALLENGE,
      },
      [AuthErrorCode.TokenExpired]: {
        description: 'The access token has expired.',
        headers: CHALLENGE,
      },
      [AuthErrorCode.TokenRevoked]: {
        description: 'The session ended, the password changed or the account is gone.',
        headers: CHALLENGE,
      },
      [AuthErrorCode.AccountDisabled]: {
        description: 'The account is disabled.',
        headers: CHALLENGE,
      },
    });
  }
  if (policy.roles.length > 0) {
    add(403, {
      [AuthErrorCode.MissingRole]: `Needs one of the roles: ${policy.roles.join(', ')}.`,
    });
  }
  if (policy.permissions.length > 0) {
    add(403, {
      [AuthErrorCode.MissingPermission]: `Needs the permissions: ${policy.permissions.join(', ')}.`,
    });
  }
  if (!NOT_RATE_LIMITED.test(path)) {
    add(429, {
      [CoreErrorCode.RateLimited]: {
        description:
          'Too many requests from this client address; `Retry-After` says when to retry.',
        headers: RETRY,
      },
    });
  }
  add(500, {
    [CoreErrorCode.InternalError]:
      'Unexpected server error; the body carries the request id, never internals.',
  });
  if (!NO_DATABASE.has(path)) {
    add(503, {
      [CoreErrorCode.DatabaseUnavailable]: {
        description: 'PostgreSQL cannot be reached right now.',
        headers: RETRY,
      },
    });
  }
  if (!policy.public) {
    add(503, {
      [CoreErrorCode.IdentityProviderUnavailable]:
        "The identity provider's key set cannot be fetched right now, so the token cannot be checked.",
    });
  }
  return problems;
}

type CodedResponse = ResponseObject & { [PROBLEM_CODES_KEY]?: Record<string, ProblemCodeDoc> };

const REQUEST_ID = {
  description: "The request id: the caller's X-Request-Id when sane, else a new one.",
  required: true,
  schema: { type: 'string' },
};

/**
 * Turns the explored document into the contract: security and problem responses from the
 * route policies and shared mechanisms, every problem response rendered from its codes,
 * X-Request-Id on every response, and the shared 404/405 responses.
 */
export function finishContract(
  document: OpenAPIObject,
  policies: Map<string, RoutePolicy>,
): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const policy = operation.operationId ? policies.get(operation.operationId) : undefined;
      if (!policy) throw new Error(`${method.toUpperCase()} ${path}: no route handler found`);
      if (policy.public) delete operation.security;
      else operation.security = [{ bearer: [] }];
      for (const parameter of operation.parameters ?? []) {
        if (
          'in' in parameter &&
          parameter.in === 'path' &&
          policy.uuidParams.includes(parameter.name)
        ) {
          parameter.schema = { ...parameter.schema, type: 'string', format: 'uuid' };
        }
      }

      const codes: Record<number, Record<string, ProblemCodeDoc>> = {};
      for (const [status, response] of Object.entries(operation.responses) as [
        string,
        CodedResponse,
      ][]) {
        const own = response[PROBLEM_CODES_KEY];
        if (own) codes[Number(status)] = own;
        else if (Number(status) >= 400) {
          throw new Error(
            `${method.toUpperCase()} ${path} documents ${status} without problem codes: use @ApiProblems`,
          );
        }
      }
      for (const [status, shared] of Object.entries(sharedProblems(path, operation, policy))) {
        codes[Number(status)] = mergeProblemCodes(codes[Number(status)] ?? {}, shared);
      }
      for (const [status, byCode] of Object.entries(codes)) {
        operation.responses[status] = problemResponse(Number(status), byCode);
      }
      for (const response of Object.values(operation.responses) as ResponseObject[]) {
        if (!response.description) response.description = 'Success';
        response.headers = { ...response.headers, [headerName(REQUEST_ID_HEADER)]: REQUEST_ID };
      }
    }
  }
  document.components ??= {};
  document.components.responses = {
    ...document.components.responses,
    MethodNotAllowed: withRequestId(
      problemResponse(405, {
        [CoreErrorCode.MethodNotAllowed]: {
          description:
            'The path exists but does not answer this method; `Allow` lists the methods it does.',
          headers: ['Allow'],
        },
      }),
    ),
    RouteNotFound: withRequestId(
      problemResponse(404, {
        [CoreErrorCode.RouteNotFound]: { description: 'No route has this path.' },
      }),
    ),
  };
  return document;
}

function withRequestId(response: ResponseObject): ResponseObject {
  return {
    ...response,
    headers: { ...response.headers, [headerName(REQUEST_ID_HEADER)]: REQUEST_ID },
  };
}

/** x-request-id -> X-Request-Id, as headers are written in the document. */
function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Recursively sorts object keys so the committed document diffs cleanly. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function stableJson(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}
