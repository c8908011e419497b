// Scenario discovery: every bench/scenarios/*.mjs is one scenario module.
//
// A scenario module's default export (or its named exports) is:
//   {
//     name: 'health',
//     setup?: async (ctx) => ({ ...state, teardown?: async () => {} }),
//     targets: [ target, ... ]  or  (ctx) => [ target, ... ],
//   }
// and a target is:
//   {
//     name: 'GET /health/live',       // row label
//     path: '/health/live',           // path on Meridian (and on the bare servers)
//     method?: 'GET',
//     headers?: {...} or (ctx) => ({...}),
//     body?: string | object | (ctx) => string | object,   // objects are sent as JSON
//     bare?: 'live' | ['ready', 'ready-redis'],  // bench/bare/<name>.mjs references
//     connections?: 50, durationSec?: 10,        // per-target overrides
//     bareEnv?: {...} or (ctx) => ({...}),       // extra environment for the bare servers
//   }
// A scenario may also export meridianEnv: {...}, environment Meridian needs for it (merged
// over all selected scenarios, then --env on top).
// ctx holds { meridian: { baseUrl, pid, mode }, databaseUrl, redisUrl, queuePrefix,
// poolSize, state } where state is what setup returned (teardown excluded).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SCENARIO_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'scenarios',
);

function validate(scenario, file) {
  if (!scenario || typeof scenario.name !== 'string' || !scenario.name)
    throw new Error(`bench: ${file}: no scenario name`);
  if (!Array.isArray(scenario.targets) && typeof scenario.targets !== 'function') {
    throw new Error(`bench: ${file}: targets must be an array or a function of ctx`);
  }
  if (scenario.setup !== undefined && typeof scenario.setup !== 'function')
    throw new Error(`bench: ${file}: setup must be a function`);
  return scenario;
}

/** Loads the scenarios, sorted by file name; `only` (names) filters them. */
export async function loadScenarios(only = []) {
  const files = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const scenarios = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(SCENARIO_DIR, file)).href);
    const scenario = validate(
      mod.default ?? { name: mod.name, setup: mod.setup, targets: mod.targets },
      file,
    );
    if (only.length === 0 || only.includes(scenario.name)) scenarios.push(scenario);
  }
  const missing = only.filter((name) => !scenarios.some((s) => s.name === name));
  if (missing.length > 0)
    throw new Error(`bench: no scenario named ${missing.join(', ')} in ${SCENARIO_DIR}`);
  return scenarios;
}

/** Resolves a scenario's targets for ctx: functions evaluated, fields checked. */
export function resolveTargets(scenario, ctx) {
  const targets = typeof scenario.targets === 'function' ? scenario.targets(ctx) : scenario.targets;
  return targets.map((t) => {
    if (typeof t.path !== 'string' || !t.path.startsWith('/')) {
      throw new Error(
        `bench: scenario ${scenario.name}: target path must start with "/" (got ${t.path})`,
      );
    }
    const value = (v) => (typeof v === 'function' ? v(ctx) : v);
    const bare = t.bare === undefined ? [] : Array.isArray(t.bare) ? t.bare : [t.bare];
    let headers = value(t.headers);
    let body = value(t.body);
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
      body = JSON.stringify(body);
      const hasType = Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'content-type');
      if (!hasType) headers = { ...headers, 'content-type': 'application/json' };
    }
    return {
      name: t.name ?? `${t.method ?? 'GET'} ${t.path}`,
      path: t.path,
      method: t.method ?? 'GET',
      headers,
      body,
      bare,
      connections: t.connections,
      durationSec: t.durationSec,
      bareEnv: value(t.bareEnv) ?? {},
    };
  });
}
