import { ApiResponse, type ApiResponseOptions } from '@nestjs/swagger';
import type { HeaderObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { CoreErrorCode } from './error-codes.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

/** How one problem code of a response is documented. */
export interface ProblemCodeDoc {
  description: string;
  /** Response headers sent with this code (keys of PROBLEM_HEADERS). */
  headers?: ProblemHeader[];
  /** Members this code adds to the problem document (RFC 9457 extensions). */
  extensions?: Record<string, SchemaObject>;
}

/** The codes of one status: `{ CHAT_IN_PROGRESS: 'An answer is already being generated.' }`. */
export type ProblemCodes = Record<string, string | ProblemCodeDoc>;

/** Problem responses by status: `{ 409: { EMAIL_TAKEN: 'Another account uses the address.' } }`. */
export type ProblemMap = Record<number, ProblemCodes>;

export const PROBLEM_HEADERS = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0 },
  },
  'WWW-Authenticate': {
    description: 'The bearer challenge (RFC 6750), with `error_description` saying why.',
    schema: { type: 'string' },
  },
  Allow: {
    description: 'The methods this path answers to.',
    schema: { type: 'string', example: 'GET, HEAD, POST' },
  },
} satisfies Record<string, HeaderObject>;
export type ProblemHeader = keyof typeof PROBLEM_HEADERS;

/** Routes that enqueue a job (sending mail, say) document this beside their own codes. */
export const ENQUEUES_JOBS: ProblemMap = {
  503: { [CoreErrorCode.QueueUnavailable]: 'The job queue cannot take work right now.' },
};

/** Marks a response built from problem codes, until the document post-processing renders it. */
export const PROBLEM_CODES_KEY = 'x-problem-codes';
const PROBLEMS_METADATA = 'meridian:api-problems';

type Handler = (...args: unknown[]) => unknown;

function normalized(codes: ProblemCodes): Record<string, ProblemCodeDoc> {
  return Object.fromEntries(
    Object.entries(codes).map(([code, doc]) => [
      code,
      typeof doc === 'string' ? { description: doc } : doc,
    ]),
  );
}

/** Merges codes into a status's codes; a code documented twice keeps its first description. */
export function mergeProblemCodes(
  into: Record<string, ProblemCodeDoc>,
  codes: ProblemCodes,
): Record<string, ProblemCodeDoc> {
  const merged = { ...into };
  for (const [code, doc] of Object.entries(normalized(codes))) {
    const existing = merged[code];
    merged[code] = existing
      ? {
          ...existing,
          headers: [...new Set([...(existing.headers ?? []), ...(doc.headers ?? [])])],
          extensions: { ...doc.extensions, ...existing.extensions },
        }
      : doc;
  }
  return merged;
}

function documentOn(
  target: object,
  key: string | symbol,
  descriptor: PropertyDescriptor,
  problems: ProblemMap,
): void {
  const handler = descriptor.value as Handler;
  const current =
    (Reflect.getMetadata(PROBLEMS_METADATA, handler) as
      Record<number, Record<string, ProblemCodeDoc>> | undefined) ?? {};
  const next = { ...current };
  for (const [status, codes] of Object.entries(problems)) {
    next[Number(status)] = mergeProblemCodes(next[Number(status)] ?? {}, codes);
  }
  Reflect.defineMetadata(PROBLEMS_METADATA, next, handler);
  for (const status of Object.keys(problems).map(Number)) {
    // The merged codes replace this status's entry; buildOpenApiDocument renders it.
    const options = {
      status,
      description: '',
      [PROBLEM_CODES_KEY]: next[status],
    } as ApiResponseOptions;
    ApiResponse(options)(target, key, descriptor);
  }
}

/**
 * Documents the problem responses a route (or every route of a controller) can answer,
 * code by code. Codes of the same status from the controller, the route and the global
 * rules in buildOpenApiDocument are merged into one response whose schema lists them:
 *
 *   @ApiProblems({ 409: { CHAT_IN_PROGRESS: 'An answer is already being generated.' } })
 */
export function ApiProblems(problems: ProblemMap): ClassDecorator & MethodDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key !== undefined && descriptor) {
      documentOn(target, key, descriptor, problems);
      return descriptor;
    }
    // On a controller: every method of it (its method decorators have already run).
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || typeof method?.value !== 'function') continue;
      documentOn(prototype, name, method, problems);
    }
    return undefined;
  }) as ClassDecorator & MethodDecorator;
}

const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemDetails';

/**
 * The response object of one status: a description listing each code, the headers its
 * codes send (required when every code sends it) and a schema that narrows `status` and
 * `code` to what this route answers.
 */
export function problemResponse(
  status: number,
  codes: Record<string, ProblemCodeDoc>,
): ResponseObject {
  const entries = Object.entries(codes);
  const headerNames = [...new Set(entries.flatMap(([, doc]) => doc.headers ?? []))];
  const headers: Record<string, HeaderObject> = {};
  for (const name of headerNames) {
    const withIt = entries.filter(([, doc]) => doc.headers?.includes(name)).map(([c]) => c);
    const all = withIt.length === entries.length;
    headers[name] = {
      ...PROBLEM_HEADERS[name],
      description: all
        ? PROBLEM_HEADERS[name].description
        : `${PROBLEM_HEADERS[name].description} Sent with ${withIt.join(', ')}.`,
      required: all,
    };
  }
  const extensions = Object.assign({}, ...entries.map(([, doc]) => doc.extensions ?? {})) as Record<
    string,
    SchemaObject
  >;
  return {
    description: entries.map(([code, doc]) => `\`${code}\`: ${doc.description}`).join('\n\n'),
    ...(headerNames.length > 0 ? { headers } : {}),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: {
          type: 'object',
          allOf: [{ $ref: PROBLEM_SCHEMA_REF }],
          properties: {
            status: { type: 'integer', enum: [status] },
            code: { type: 'string', enum: entries.map(([code]) => code) },
            ...extensions,
          },
        },
      },
    },
  };
}
