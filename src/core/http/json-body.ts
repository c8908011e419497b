import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception.js';
import { CoreErrorCode } from '../errors/error-codes.js';
import type { FieldError } from '../errors/problem.js';

/** Bounds on the shape of every JSON body, checked before anything walks it recursively. */
export interface JsonBodyLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Most elements in one array. */
  maxArrayLength: number;
  /** Most values (members and elements, at every level) in the whole body. */
  maxValues: number;
}

export const JSON_BODY_LIMITS: JsonBodyLimits = {
  maxDepth: 32,
  maxArrayLength: 1_000,
  maxValues: 10_000,
};

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function tooComplex(detail: string): AppException {
  return new AppException(400, CoreErrorCode.BodyTooComplex, detail);
}

/**
 * One linear pass over the raw text, before JSON.parse: rejects bodies nested deeper or
 * holding more values than the limits, so neither the parser nor class-transformer ever
 * recurses or iterates over a hostile shape. Malformed text is left to JSON.parse.
 */
export function assertJsonShape(text: string, limits: JsonBodyLimits = JSON_BODY_LIMITS): void {
  // Per open container: elements seen so far (arrays) and whether it has any content yet.
  const counts: number[] = [];
  const isArray: boolean[] = [];
  const hasContent: boolean[] = [];
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === SPACE || c === TAB || c === LF || c === CR) continue;
    const depth = counts.length;
    if (depth > 0 && !hasContent[depth - 1] && c !== CLOSE_BRACE && c !== CLOSE_BRACKET) {
      hasContent[depth - 1] = true;
      if (isArray[depth - 1]) counts[depth - 1] = 1;
      values++;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth + 1 > limits.maxDepth) {
        throw tooComplex(`The JSON body is nested deeper than ${limits.maxDepth} levels.`);
      }
      counts.push(0);
      isArray.push(c === OPEN_BRACKET);
      hasContent.push(false);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      counts.pop();
      isArray.pop();
      hasContent.pop();
    } else if (c === COMMA && depth > 0) {
      values++;
      if (isArray[depth - 1] && ++counts[depth - 1] > limits.maxArrayLength) {
        throw tooComplex(
          `An array in the JSON body has more than ${limits.maxArrayLength} elements.`,
        );
      }
    }
    if (values > limits.maxValues) {
      throw tooComplex(`The JSON body holds more than ${limits.maxValues} values.`);
    }
  }
}

/** Why a string from outside cannot be stored, or undefined when it can. */
export function stringDefect(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'contains invalid Unicode (a lone surrogate)';
  return undefined;
}

function defectError(field: string, defect: string): FieldError {
  return { field, rule: 'wellFormedString', message: `${field} ${defect}` };
}

/**
 * Field errors for every string (keys included) holding a NUL character or a lone
 * surrogate, named by their path as class-validator names fields (`a.0.b`). The shape
 * was bounded by assertJsonShape, so an explicit stack keeps this iterative and cheap.
 */
export function findStringDefects(root: unknown, maxErrors = 20): FieldError[] {
  const errors: FieldError[] = [];
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0 && errors.length < maxErrors) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const defect = stringDefect(value);
      if (defect) errors.push(defectError(path || '(body)', defect));
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push([value[i], path ? `${path}.${i}` : String(i)]);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const keyDefect = stringDefect(key);
        const childPath = path ? `${path}.${key}` : key;
        if (keyDefect) {
          errors.push(
            defectError(JSON.stringify(childPath.slice(0, 64)), `(a property name) ${keyDefect}`),
          );
          continue;
        }
        stack.push([child, childPath]);
      }
    }
  }
  return errors;
}

export function invalidStrings(errors: FieldError[]): AppException {
  const count = new Set(errors.map((e) => e.field)).size;
  return new AppException(
    400,
    CoreErrorCode.ValidationFailed,
    `The request has ${count} invalid field${count === 1 ? '' : 's'}.`,
    { title: 'Validation failed', errors },
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

type DoneFn = (err: Error | null, body?: unknown) => void;
type JsonParser = (request: FastifyRequest, body: string, done: DoneFn) => void;

/**
 * The route config flag of routes that get their JSON body as the raw bytes (a Buffer),
 * unparsed, so it can be verified (webhook signatures) before anything reads it:
 * `@RouteConfig({ [RAW_JSON_BODY]: true })`. Such routes may also have their own body
 * limit (`rawBodyLimitBytes`); every other route keeps the rules below.
 */
export const RAW_JSON_BODY = 'rawJsonBody';

export interface RawBodyOptions {
  /** The body limit of raw-body routes (WEBHOOK_BODY_LIMIT_BYTES). */
  rawBodyLimitBytes?: number;
}

const wantsRawBody = (request: FastifyRequest): boolean =>
  (request.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[
    RAW_JSON_BODY
  ] === true;

/**
 * Makes application/json the only body type the API accepts (form posts and text/plain
 * are 415: they need no CORS preflight) and bounds every JSON body before it is parsed:
 * valid UTF-8, depth and value counts, no NUL characters or lone surrogates in strings.
 * Fastify's own parser still does the parsing (with its prototype-poisoning checks).
 */
export function registerJsonBodyParser(
  fastify: FastifyInstance,
  limits: JsonBodyLimits = JSON_BODY_LIMITS,
  options: RawBodyOptions = {},
): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error') as unknown as JsonParser;
  fastify.removeAllContentTypeParsers();
  if (options.rawBodyLimitBytes !== undefined) {
    const limit = options.rawBodyLimitBytes;
    fastify.addHook('onRoute', (route) => {
      if ((route.config as Record<string, unknown> | undefined)?.[RAW_JSON_BODY] === true) {
        route.bodyLimit = limit;
      }
    });
  }
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request, raw: Buffer, done: DoneFn) => {
      if (wantsRawBody(request)) {
        done(null, raw);
        return;
      }
      let text: string;
      try {
        text = utf8.decode(raw);
      } catch {
        done(
          new AppException(
            400,
            CoreErrorCode.MalformedJson,
            'The request body is not valid UTF-8.',
          ),
        );
        return;
      }
      try {
        assertJsonShape(text, limits);
      } catch (err) {
        done(err as Error);
        return;
      }
      parseJson(request, text, (err, body) => {
        if (err) {
          done(err);
          return;
        }
        const defects = findStringDefects(body);
        if (defects.length > 0) done(invalidStrings(defects));
        else done(null, body);
      });
    },
  );
}

/** Field errors for path parameters holding a NUL character or a lone surrogate. */
export function paramDefects(params: unknown): FieldError[] {
  if (!params || typeof params !== 'object') return [];
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    const defect = typeof value === 'string' ? stringDefect(value) : undefined;
    if (defect) errors.push(defectError(name, defect));
  }
  return errors;
}

/**
 * Query strings get the same rules as bodies: every parameter must be valid
 * percent-encoded UTF-8 (not silently turned into replacement characters) and hold no
 * NUL character or lone surrogate. Returns the field errors, empty when the query is fine.
 */
export function queryDefects(url: string): FieldError[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const errors: FieldError[] = [];
  for (const pair of url.slice(q + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    let key: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      errors.push({
        field: 'query',
        rule: 'wellFormedString',
        message: 'a query parameter name is not valid percent-encoded UTF-8',
      });
      continue;
    }
    const keyDefect = stringDefect(key);
    if (keyDefect) {
      errors.push({
        field: 'query',
        rule: 'wellFormedString',
        message: `a query parameter name ${keyDefect}`,
      });
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      errors.push(defectError(key, 'is not valid percent-encoded UTF-8'));
      continue;
    }
    const defect = stringDefect(value);
    if (defect) errors.push(defectError(key, defect));
  }
  return errors;
}
