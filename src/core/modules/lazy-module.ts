import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A package loaded on first use instead of at start-up. Parts of Meridian that only some
 * processes or requests need (the analyzers' parsers, the LLM and Slack clients, the mail
 * transport and templates, the Keycloak admin client) would otherwise add about 1,700
 * modules to every start (bench/README.md, "Cold start"). Node 24 loads CommonJS and
 * ES modules alike through `require`, synchronously, so callers stay synchronous; the
 * type comes from a type-only import (`typeof import('pkg')`).
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(specifier) as T);
}
