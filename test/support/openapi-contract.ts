import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';

// A CommonJS module: its default export is the module object, whose .default is the plugin.
const addFormats = ajvFormats.default;

/** The parts of an OpenAPI 3.0 document the validator reads. */
interface Schema {
  [keyword: string]: unknown;
}
interface MediaType {
  schema?: Schema;
}
interface HeaderSpec {
  required?: boolean;
  schema?: Schema;
}
interface ResponseSpec {
  description?: string;
  headers?: Record<string, HeaderSpec>;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, ResponseSpec>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, ResponseSpec> };
}

/** A response that does not match the contract. */
export class ContractViolation extends Error {
  constructor(request: string, problem: string, body?: string) {
    super(
      `${request} breaks openapi.json: ${problem}` +
        (body === undefined
          ? ''
          : `\n  body: ${body.length > 800 ? `${body.slice(0, 800)}…` : body}`),
    );
    this.name = 'ContractViolation';
  }
}

/** Routes that Swagger UI serves beside the API, outside the document they serve. */
const DOCS_ROUTES: Record<string, string> = {
  '/openapi.json': 'application/json',
  '/openapi.yaml': 'text/yaml',
};
const isDocs = (path: string) =>
  path === '/docs' || path.startsWith('/docs/') || path in DOCS_ROUTES;

/** Event streams that went through a check, with the validator of their events. */
const streams = new WeakMap<
  Response,
  { request: string; validate: ValidateFunction; errors: () => string }
>();

/** Checks one event of a text/event-stream response that went through OpenApiContract.check. */
export function checkEvent(response: Response, event: { event: string; data: unknown }): void {
  const stream = streams.get(response);
  if (!stream) {
    throw new Error(
      'This event stream did not come through the contract check (use TestApp.request).',
    );
  }
  const { event: name, data } = event;
  if (!stream.validate(event)) {
    throw new ContractViolation(
      `${stream.request}, event ${name}`,
      stream.errors(),
      JSON.stringify(data),
    );
  }
}

const TEST_ONLY_PROBLEM: ResponseSpec = {
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        allOf: [{ $ref: '#/components/schemas/ProblemDetails' }],
        additionalProperties: true,
      },
    },
  },
};

const JSON_MEDIA = /^application\/([a-z.+-]+\+)?json$/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface Route {
  template: string;
  pattern: RegExp;
  literalSegments: number;
}

/**
 * Validates responses against an OpenAPI 3.0 document: the operation is found by method and
 * path template, the status must be documented, required headers present, the content
 * type one of the documented media types, and a JSON body valid against its schema, where
 * every object schema that does not say otherwise admits no undocumented member. For
 * text/event-stream the schema is that of one event (`{event, data}`).
 */
export class OpenApiContract {
  private readonly ajv: Ajv2019;
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();

  /**
   * @param testOnly path templates of routes only tests mount (fixtures): their errors
   *   are checked against ProblemDetails, a success body only where they document one.
   */
  constructor(
    private readonly document: OpenApiDocument,
    private readonly testOnly: ReadonlySet<string> = new Set(),
  ) {
    this.ajv = new Ajv2019({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    // OpenAPI annotations that JSON Schema does not know; they do not constrain values.
    for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) {
      this.ajv.addKeyword(keyword);
    }
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(
          `^${template
            .split('/')
            .map((s) =>
              /^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
            )
            .join('/')}$`,
        ),
        literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      }))
      // /agents/fresh-ish literal paths win over /agents/{id}
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  private static committedContract?: OpenApiContract;

  /** The committed openapi.json of this checkout. */
  static committed(): OpenApiContract {
    const file = fileURLToPath(new URL('../../openapi.json', import.meta.url));
    this.committedContract ??= new OpenApiContract(
      JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument,
    );
    return this.committedContract;
  }

  /**
   * The committed contract as one running app serves it: routes the app does not register
   * (an APP_ROLE=worker app serves only health and metrics) are unknown paths there, and
   * test fixtures it mounts are checked against the app's own generated document.
   */
  static forApp(served: OpenApiDocument): OpenApiContract {
    const committed = this.committed().document;
    const paths: OpenApiDocument['paths'] = {};
    const testOnly = new Set<string>();
    for (const [template, item] of Object.entries(served.paths)) {
      const documented = committed.paths[template];
      if (!documented) testOnly.add(template);
      paths[template] = documented ?? item;
    }
    return new OpenApiContract(
      {
        paths,
        components: {
          schemas: { ...served.components.schemas, ...committed.components.schemas },
          responses: committed.components.responses,
        },
      },
      testOnly,
    );
  }

  /** Compiles every response schema of the document (fails on one Ajv cannot check); the count. */
  compileAll(): number {
    let count = 0;
    const compile = (where: string, spec: ResponseSpec) => {
      for (const [mediaType, media] of Object.entries(spec.content ?? {})) {
        if (media.schema) this.validator(`${where} ${mediaType}`, media.schema);
        count += 1;
      }
    };
    for (const [template, item] of Object.entries(this.document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, spec] of Object.entries(operation.responses)) {
          compile(`${method.toUpperCase()} ${template} ${status}`, spec);
        }
      }
    }
    for (const [name, spec] of Object.entries(this.document.components.responses ?? {})) {
      compile(`#/components/responses/${name}`, spec);
    }
    return count;
  }

  /** The documented path template a request path falls under, if any. */
  templateOf(path: string): string | undefined {
    return this.routes.find((r) => r.pattern.test(path))?.template;
  }

  /**
   * Checks one response (its body is read from a clone, so the caller can still read it);
   * throws ContractViolation when it does not match.
   */
  async check(method: string, url: string, response: Response): Promise<void> {
    const verb = method.toUpperCase();
    const path = new URL(url, 'http://contract.invalid').pathname;
    const request = `${verb} ${path} -> ${response.status}`;
    const { spec, where } = this.responseSpec(verb, path, response, request);
    this.checkHeaders(request, spec, response);

    const mediaType = (response.headers.get('content-type') ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    const documented = spec.content ?? {};
    if (Object.keys(documented).length === 0 && this.isTestOnly(path, response)) return;
    if (Object.keys(documented).length === 0) {
      const body = verb === 'HEAD' ? '' : await response.clone().text();
      if (body !== '') throw new ContractViolation(request, 'the response documents no body', body);
      return;
    }
    const media = documented[mediaType];
    if (!media) {
      throw new ContractViolation(
        request,
        `content type ${mediaType || '(none)'} is not documented (${Object.keys(documented).join(', ')})`,
      );
    }
    if (verb === 'HEAD' || !media.schema) return;
    const validate = this.validator(`${where} ${mediaType}`, media.schema);
    if (mediaType === 'text/event-stream') {
      streams.set(response, {
        request,
        validate,
        errors: () => this.ajv.errorsText(validate.errors),
      });
      return;
    }
    if (!JSON_MEDIA.test(mediaType)) return;
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ContractViolation(request, 'the body is not JSON', text);
    }
    if (!validate(body)) {
      throw new ContractViolation(request, this.ajv.errorsText(validate.errors), text);
    }
  }

  private isTestOnly(path: string, response: Response): boolean {
    const template = this.templateOf(path);
    return template !== undefined && this.testOnly.has(template) && response.status < 300;
  }

  private responseSpec(
    verb: string,
    path: string,
    response: Response,
    request: string,
  ): { spec: ResponseSpec; where: string } {
    const shared = (name: string) => {
      const spec = this.document.components.responses?.[name];
      if (!spec) throw new ContractViolation(request, `the document has no ${name} response`);
      return { spec, where: `#/components/responses/${name}` };
    };
    if (isDocs(path)) {
      if (response.status === 200) {
        const type = path in DOCS_ROUTES ? DOCS_ROUTES[path] : response.headers.get('content-type');
        return {
          spec: { content: { [(type ?? '').split(';')[0].trim()]: {} } },
          where: 'Swagger UI',
        };
      }
    }
    const template = this.templateOf(path);
    if (!template) {
      if (response.status !== 404) {
        throw new ContractViolation(request, 'the path is not in the document, so only 404 is');
      }
      return shared('RouteNotFound');
    }
    const item = this.document.paths[template];
    const operation = item[verb.toLowerCase()] ?? (verb === 'HEAD' ? item.get : undefined);
    if (!operation || !METHODS.includes(verb.toLowerCase())) {
      // A CORS preflight is answered by the CORS layer for every path, not by an operation.
      if (verb === 'OPTIONS' && response.headers.has('access-control-allow-methods')) {
        return { spec: {}, where: 'CORS preflight' };
      }
      if (response.status !== 405) {
        throw new ContractViolation(
          request,
          `${verb} is not documented on ${template}, so only 405 is`,
        );
      }
      return shared('MethodNotAllowed');
    }
    if (this.testOnly.has(template) && response.status >= 400) {
      // A fixture documents no codes of its own: its errors must be problem details,
      // with whatever extension members the mechanism under test adds.
      return { spec: TEST_ONLY_PROBLEM, where: 'test-only problem' };
    }
    const spec = operation.responses[String(response.status)] ?? operation.responses.default;
    if (!spec) {
      throw new ContractViolation(
        request,
        `status ${response.status} is not documented on ${verb} ${template} (${Object.keys(operation.responses).join(', ')})`,
      );
    }
    return { spec, where: `${verb} ${template} ${response.status}` };
  }

  private checkHeaders(request: string, spec: ResponseSpec, response: Response): void {
    for (const [name, header] of Object.entries(spec.headers ?? {})) {
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required) throw new ContractViolation(request, `the ${name} header is missing`);
        continue;
      }
      if (!header.schema) continue;
      const typed =
        header.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      const validate = this.validator(`header ${JSON.stringify(header.schema)}`, header.schema);
      if (!validate(typed)) {
        throw new ContractViolation(
          request,
          `the ${name} header ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`,
        );
      }
    }
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(strict(this.dereference(schema, [])));
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** A copy of the schema with every local $ref replaced by (a copy of) its target. */
  private dereference(node: unknown, trail: string[]): unknown {
    if (Array.isArray(node)) return node.map((item) => this.dereference(item, trail));
    if (!node || typeof node !== 'object') return node;
    const object = node as Schema;
    if (typeof object.$ref === 'string') {
      const ref = object.$ref;
      const name = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
      const target = name ? this.document.components.schemas[name] : undefined;
      if (!target) throw new Error(`Unresolvable $ref ${ref}`);
      if (trail.includes(ref)) throw new Error(`Recursive schema ${[...trail, ref].join(' -> ')}`);
      return this.dereference(target, [...trail, ref]);
    }
    return Object.fromEntries(
      Object.entries(object).map(([key, value]) => [
        key,
        // enum and example values are data, not schemas
        key === 'enum' || key === 'example' || key === 'default'
          ? value
          : this.dereference(value, trail),
      ]),
    );
  }
}

/** An object schema, or an allOf composition of one (not an enum wrapped in allOf). */
function describesObject(schema: Schema): boolean {
  if (schema.type === 'object' || schema.properties !== undefined) return true;
  return Array.isArray(schema.allOf) && (schema.allOf as Schema[]).some(describesObject);
}

/**
 * Makes undocumented members fail: every object schema that declares neither
 * additionalProperties nor unevaluatedProperties gets unevaluatedProperties: false. A
 * branch of allOf is part of its parent, so only the parent gets it (it sees the members
 * all branches evaluate).
 */
export function strict(node: unknown, allOfBranch = false): Schema {
  const schema = { ...(node as Schema) };
  const sub = (value: unknown, branch = false) => strict(value, branch);
  if (schema.properties && typeof schema.properties === 'object') {
    schema.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, unknown>).map(([k, v]) => [k, sub(v)]),
    );
  }
  if (schema.items && typeof schema.items === 'object') schema.items = sub(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    schema.additionalProperties = sub(schema.additionalProperties);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[keyword]))
      schema[keyword] = (schema[keyword] as unknown[]).map((s) => sub(s));
  }
  if (Array.isArray(schema.allOf))
    schema.allOf = (schema.allOf as unknown[]).map((s) => sub(s, true));
  if (
    describesObject(schema) &&
    !allOfBranch &&
    schema.additionalProperties === undefined &&
    schema.unevaluatedProperties === undefined
  ) {
    schema.type ??= 'object';
    schema.unevaluatedProperties = false;
  }
  // OpenAPI 3.0's nullable only widens `type`; a nullable composition admits null too.
  const composed = ['allOf', 'oneOf', 'anyOf'].some((k) => schema[k] !== undefined);
  if (schema.nullable === true && composed) {
    const rest = { ...schema };
    delete rest.nullable;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return schema;
}
