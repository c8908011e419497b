import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemDetails } from './core/errors/problem.js';

/** Builds the OpenAPI document from the controllers' metadata (no port needed). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Meridian API')
    .setDescription(
      'Identity, service connections, AI conversations, administration, migration orchestration ' +
        'and repository analysis behind one contract. Errors are RFC 9457 problem details ' +
        '(application/problem+json) with a stable `code` and the `requestId`.',
    )
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
  return withProblemResponses(document);
}

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };
const COMMON_PROBLEMS: Record<string, string> = {
  '429': 'Too many requests (Retry-After says when to retry).',
  '500': 'Unexpected server error; the body carries the request id, never internals.',
};

/**
 * Every error is RFC 9457 problem+json: documented responses that use ProblemDetails get
 * that media type, and every operation lists the errors any route can return.
 */
function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = path[method];
      if (!operation) continue;
      for (const response of Object.values(operation.responses) as {
        description?: string;
        content?: Record<string, { schema?: unknown }>;
      }[]) {
        const json = response.content?.['application/json'];
        if (json && JSON.stringify(json.schema) === JSON.stringify(PROBLEM_REF)) {
          response.content = { 'application/problem+json': json };
        }
        if (!response.description) response.description = 'Success';
      }
      const hasInput =
        (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      const secured = (operation.security?.length ?? 0) > 0;
      const hasPathId = (operation.parameters ?? []).some((p) => 'in' in p && p.in === 'path');
      const problems: Record<string, string> = {
        ...(hasInput ? { '400': 'Invalid input: the `errors` member lists each field.' } : {}),
        ...(secured
          ? {
              '401':
                'No bearer token, or an invalid, expired or revoked one (WWW-Authenticate says which).',
              '403': 'The caller lacks a role or permission this needs (the code says which).',
            }
          : {}),
        ...(hasPathId ? { '404': 'Not found, or not visible to the caller.' } : {}),
        ...COMMON_PROBLEMS,
      };
      for (const [status, description] of Object.entries(problems)) {
        operation.responses[status] ??= {
          description,
          content: { 'application/problem+json': { schema: PROBLEM_REF } },
        };
      }
    }
  }
  return document;
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
