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
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetails],
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}

/** Recursively sorts object keys so the committed document diffs cleanly. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function stableJson(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}
