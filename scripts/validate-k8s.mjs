#!/usr/bin/env node
// Validates the Kubernetes manifests under deploy/k8s (`npm run deploy:validate`):
//   1. every file parses as kubectl parses it (YAML 1.1: `yes` and `on` are booleans,
//      duplicate keys are errors), and kustomization.yaml lists every manifest but the
//      *.example.yaml ones;
//   2. every document is a kind that the `kubernetes-models` package knows, valid against
//      its Kubernetes schema, with no field the schema does not define (kubectl applies
//      with strict field validation; the JSON schemas allow extra fields, so the
//      package's TypeScript declarations check them);
//   3. Meridian's own rules (see checkDeployment and checkReferences below): probes,
//      grace period against the ConfigMap's shutdown settings, non-root, resources,
//      run command, listen address, roles, secrets only through secretKeyRef,
//      migrations, and that Services, budgets and autoscalers point at the right pods.
// Usage: node scripts/validate-k8s.mjs [dir]   (exit 1 when anything is wrong)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIR = path.join(ROOT, 'deploy', 'k8s');
const ENV_EXAMPLE = path.join(ROOT, '.env.example');

/** Seconds the kubelet must wait beyond the app's own shutdown bound before SIGKILL. */
export const GRACE_MARGIN_SECONDS = 5;
/** Variables that hold secrets: only ever from a Secret, never in a ConfigMap or literal. */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'ENCRYPTION_KEYS',
  'SMTP_URL',
  'LLM_API_KEY',
  'ADMIN_PASSWORD',
];
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|_KEY|_KEYS)$/;
/** Without these the app cannot run in a cluster (DATABASE_URL unset = embedded database). */
const REQUIRED_SECRETS = ['DATABASE_URL', 'ENCRYPTION_KEYS'];
const RUN_COMMAND = ['node', 'dist/src/main.js'];
const ROLES = ['api', 'worker'];
const APP_CONTAINER = 'meridian';
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass']);

// ------------------------------------------------------------------ loading ----------

/** YAML as kubectl reads it: YAML 1.1 scalars, but timestamps stay strings. */
function parseYaml(text) {
  return parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: true,
    prettyErrors: true,
    customTags: (tags) => tags.filter((t) => t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
}

function loadFile(file, rel, problems) {
  const docs = [];
  const parsed = parseYaml(readFileSync(file, 'utf8'));
  const all = Array.isArray(parsed) ? parsed : [parsed];
  all.forEach((doc, index) => {
    for (const e of [...doc.errors, ...doc.warnings]) {
      problems.push(`${rel}: ${e.message.split('\n')[0]}`);
    }
    if (doc.errors.length > 0) return;
    const obj = doc.toJS({ maxAliasCount: 100 });
    if (obj === null || obj === undefined) return;
    docs.push({ file: rel, index, obj });
  });
  return docs;
}

const label = (d) =>
  `${d.file}: ${d.obj?.kind ?? '(no kind)'}/${d.obj?.metadata?.name ?? `#${d.index + 1}`}`;

// ------------------------------------------------------------------ schemas ----------

const modelCache = new Map();

/** The kubernetes-models class for apiVersion + kind, or undefined for an unknown kind. */
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}|${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let model;
  const version = /^(?:([a-z0-9.-]+)\/)?(v[0-9a-z]+)$/.exec(String(apiVersion));
  if (version && /^[A-Z][A-Za-z0-9]*$/.test(String(kind))) {
    const modulePath = [version[1], version[2], kind].filter(Boolean).join('/');
    try {
      const mod = await import(`kubernetes-models/${modulePath}`);
      const cls = mod[kind];
      if (cls?.apiVersion === apiVersion && cls?.kind === kind) {
        model = { cls, typeImport: `import('kubernetes-models/${modulePath}').I${kind}` };
      }
    } catch {
      model = undefined;
    }
  }
  modelCache.set(key, model);
  return model;
}

async function checkSchema(d, problems) {
  const { apiVersion, kind } = d.obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    problems.push(`${label(d)}: apiVersion and kind must be strings`);
    return undefined;
  }
  const model = await modelFor(apiVersion, kind);
  if (!model) {
    problems.push(`${label(d)}: unknown kind ${kind} in ${apiVersion} (not a Kubernetes kind)`);
    return undefined;
  }
  if (typeof d.obj.metadata?.name !== 'string' || d.obj.metadata.name === '') {
    problems.push(`${label(d)}: metadata.name is required`);
  }
  try {
    new model.cls(d.obj).validate();
  } catch (err) {
    const errors = Array.isArray(err.errors) ? err.errors : [];
    if (errors.length === 0) problems.push(`${label(d)}: ${err.message}`);
    for (const e of errors) {
      const segments = e.instancePath.split('/').slice(1);
      const keys = segments.map((x) => x.replaceAll('~1', '/').replaceAll('~0', '~'));
      const where =
        keys
          .map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`))
          .join('')
          .replace(/^\./, '') || '(document)';
      const value = keys.reduce((v, k) => v?.[k], d.obj);
      let extra = e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : '';
      if (e.keyword === 'type' && e.params?.type === 'string' && value !== null) {
        extra = ` (got the ${typeof value} ${JSON.stringify(value)}: quote it)`;
      }
      problems.push(`${label(d)}: ${where} ${e.message}${extra}`);
    }
  }
  return model;
}

// Unknown fields: each document becomes an object literal typed with the package's
// declarations; every object in it is then compared with the properties of the type
// TypeScript expects there (maps such as labels, with an index signature, take any key).
// Parsed library files are kept between runs.
const sourceCache = new Map();

function checkUnknownFields(typed, problems) {
  if (typed.length === 0) return;
  const virtual = path.join(ROOT, 'scripts', '__k8s_manifests__.ts');
  const text = typed
    .map(({ d, model }, i) => `export const d${i}: ${model.typeImport} = ${JSON.stringify(d.obj)};`)
    .join('\n');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    if (fileName === virtual) return ts.createSourceFile(fileName, text, languageVersion, true);
    const key = `${fileName}|${JSON.stringify(languageVersion)}`;
    if (!sourceCache.has(key)) {
      sourceCache.set(key, getSourceFile(fileName, languageVersion, onError));
    }
    return sourceCache.get(key);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === virtual || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === virtual ? text : readFile(f));
  const program = ts.createProgram([virtual], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(virtual);
  const unresolved = ts
    .getPreEmitDiagnostics(program, source)
    .filter((diag) => diag.code === 2307 || diag.code === 2694);
  for (const diag of unresolved) {
    problems.push(
      `cannot load the kubernetes-models types: ${ts.flattenDiagnosticMessageText(diag.messageText, ' ')}`,
    );
  }

  const fieldsOf = (type) => {
    const members = type.isUnion() ? type.types : [type];
    const names = new Set();
    for (const t of members) {
      if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
      if (checker.getIndexInfosOfType(t).length > 0) return undefined;
      for (const p of checker.getPropertiesOfType(t)) names.add(p.name);
    }
    return names;
  };
  const visit = (node, doc, where) => {
    if (ts.isObjectLiteralExpression(node)) {
      const expected = checker.getContextualType(node);
      const fields = expected ? fieldsOf(checker.getNonNullableType(expected)) : undefined;
      for (const prop of node.properties) {
        const name = prop.name.text;
        const at = where ? `${where}.${name}` : name;
        if (fields && !fields.has(name)) {
          const hint = closest(name, fields);
          problems.push(
            `${label(doc)}: ${at} is not a field of this kind${hint ? ` (did you mean ${hint}?)` : ''}`,
          );
        } else visit(prop.initializer, doc, at);
      }
    } else if (ts.isArrayLiteralExpression(node)) {
      node.elements.forEach((e, i) => visit(e, doc, `${where}[${i}]`));
    }
  };
  source.statements.forEach((statement, i) => {
    const declaration = statement.declarationList.declarations[0];
    visit(declaration.initializer, typed[i].d, '');
  });
}

/** A known field within two edits of a misspelt one. */
function closest(name, fields) {
  const distance = (a, b) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  return [...fields].find((f) => distance(name.toLowerCase(), f.toLowerCase()) <= 2);
}

// ------------------------------------------------------------------ kustomization ----

function checkKustomization(dir, files, kustomization, problems) {
  const k = kustomization.obj;
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') {
    problems.push(
      `${kustomization.file}: must be apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization`,
    );
  }
  for (const field of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) {
      problems.push(
        `${kustomization.file}: ${field} is not understood by scripts/validate-k8s.mjs (extend it first)`,
      );
    }
  }
  const resources = Array.isArray(k.resources) ? k.resources : [];
  for (const r of resources) {
    if (typeof r !== 'string' || !files.includes(r)) {
      problems.push(
        `${kustomization.file}: resource ${JSON.stringify(r)} is not a file in ${path.basename(dir)}/`,
      );
    } else if (isExample(r)) {
      problems.push(`${kustomization.file}: ${r} is an example and must not be applied`);
    }
  }
  for (const f of files) {
    if (f !== kustomization.file && !isExample(f) && !resources.includes(f)) {
      problems.push(
        `${f}: not listed in ${kustomization.file}, so \`kubectl apply -k\` would skip it`,
      );
    }
  }
  return resources.filter((r) => typeof r === 'string' && files.includes(r) && !isExample(r));
}

const isExample = (f) => /\.example\.ya?ml$/.test(f);

/** What kustomize does with the fields this validator accepts: namespace and images. */
function kustomize(doc, k) {
  const obj = structuredClone(doc.obj);
  if (k.namespace && !CLUSTER_SCOPED.has(obj.kind)) {
    obj.metadata = { ...obj.metadata, namespace: k.namespace };
  }
  const pod = obj.spec?.template?.spec;
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    const name = typeof c.image === 'string' ? c.image.replace(/[:@].*$/, '') : undefined;
    const image = (k.images ?? []).find((i) => i.name === name);
    if (!image) continue;
    const base = image.newName ?? name;
    c.image = image.digest
      ? `${base}@${image.digest}`
      : `${base}${image.newTag ? `:${image.newTag}` : c.image.slice(name.length)}`;
  }
  return { ...doc, obj };
}

// ------------------------------------------------------------------ environment ------

/** Variable names the app reads: the ones .env.example documents. */
function knownVariables(problems) {
  if (!existsSync(ENV_EXAMPLE)) {
    problems.push('.env.example is missing: it lists the variables Meridian reads');
    return undefined;
  }
  const names = new Set(
    [...readFileSync(ENV_EXAMPLE, 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
  );
  if (names.size === 0) problems.push('.env.example names no variable');
  return names;
}

/** The container's environment as the kubelet builds it: envFrom first, env overrides. */
function resolveEnv(container, configMaps, where, problems) {
  const env = new Map();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef) {
      problems.push(
        `${where}: envFrom secretRef hides which variables come from the Secret; use secretKeyRef per variable`,
      );
    }
    if (from.configMapRef) {
      const cm = configMaps.get(from.configMapRef.name);
      if (!cm) {
        if (!from.configMapRef.optional) {
          problems.push(`${where}: ConfigMap ${from.configMapRef.name} is not among the manifests`);
        }
        continue;
      }
      for (const [key, value] of Object.entries(cm.data ?? {})) {
        env.set(`${from.prefix ?? ''}${key}`, { source: 'configMap', value });
      }
    }
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom;
    if (ref?.secretKeyRef) env.set(e.name, { source: 'secret', ref: ref.secretKeyRef });
    else if (ref?.configMapKeyRef) {
      const cm = configMaps.get(ref.configMapKeyRef.name);
      if (!cm && !ref.configMapKeyRef.optional) {
        problems.push(`${where}: ConfigMap ${ref.configMapKeyRef.name} is not among the manifests`);
      }
      const value = cm?.data?.[ref.configMapKeyRef.key];
      if (cm && value === undefined && !ref.configMapKeyRef.optional) {
        problems.push(
          `${where}: ConfigMap ${cm.metadata.name} has no key ${ref.configMapKeyRef.key}`,
        );
      }
      env.set(e.name, { source: 'configMap', value });
    } else if (ref) env.set(e.name, { source: 'runtime' });
    else env.set(e.name, { source: 'literal', value: e.value ?? '' });
  }
  return env;
}

/** A variable's plain value (ConfigMap or literal); undefined when unset. */
function plainValue(env, name, where, problems) {
  const v = env.get(name);
  if (!v) return undefined;
  if (v.source === 'configMap' || v.source === 'literal') return v.value;
  problems.push(`${where}: ${name} must come from the ConfigMap or a literal value`);
  return undefined;
}

const truthy = (v) => ['true', '1', 'yes', 'on'].includes(String(v).trim().toLowerCase());

function integerValue(env, name, fallback, where, problems) {
  const raw = plainValue(env, name, where, problems);
  if (raw === undefined || String(raw).trim() === '') return fallback;
  if (!/^\d+$/.test(String(raw).trim())) {
    problems.push(`${where}: ${name}=${JSON.stringify(raw)} is not a whole number`);
    return fallback;
  }
  return Number(raw);
}

// ------------------------------------------------------------------ quantities -------

const SUFFIX = {
  m: 1e-3,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

function quantity(q) {
  const m = /^([0-9.]+)(m|k|K|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  return m ? Number(m[1]) * (m[2] ? SUFFIX[m[2]] : 1) : undefined;
}

// ------------------------------------------------------------------ Meridian rules ---

const sameCommand = (a) =>
  Array.isArray(a) && a.length === RUN_COMMAND.length && a.every((x, i) => x === RUN_COMMAND[i]);

function checkProbe(probe, kind, expectedPath, ports, port, where, problems) {
  if (!probe) {
    problems.push(`${where}: no ${kind} (httpGet ${expectedPath})`);
    return;
  }
  if (probe.httpGet?.path !== expectedPath) {
    problems.push(`${where}: ${kind} must be httpGet on ${expectedPath}`);
    return;
  }
  const target = probe.httpGet.port;
  const number = typeof target === 'number' ? target : ports.get(target);
  if (number === undefined)
    problems.push(`${where}: ${kind} port ${target} is not a container port`);
  else if (number !== port) {
    problems.push(`${where}: ${kind} probes port ${number}, but the app listens on PORT=${port}`);
  }
}

function checkSecurity(pod, container, where, problems) {
  const podCtx = pod.securityContext ?? {};
  const ctx = container.securityContext ?? {};
  const pick = (k) => (ctx[k] !== undefined ? ctx[k] : podCtx[k]);
  if (pick('runAsNonRoot') !== true)
    problems.push(`${where}: securityContext.runAsNonRoot must be true`);
  const uid = pick('runAsUser');
  if (!Number.isInteger(uid) || uid === 0) {
    problems.push(
      `${where}: securityContext.runAsUser must be a non-zero uid (the image's user "node" is 1000; the kubelet cannot check a user name against runAsNonRoot)`,
    );
  }
  const seccomp = pick('seccompProfile')?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    problems.push(
      `${where}: seccompProfile.type must be RuntimeDefault or Localhost (restricted pod security)`,
    );
  }
  if (ctx.allowPrivilegeEscalation !== false) {
    problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
  }
  if (!(ctx.capabilities?.drop ?? []).includes('ALL')) {
    problems.push(`${where}: securityContext.capabilities.drop must include ALL`);
  }
  if (ctx.readOnlyRootFilesystem !== true) {
    problems.push(
      `${where}: securityContext.readOnlyRootFilesystem must be true (Meridian writes no files with DATABASE_URL set)`,
    );
  }
}

function checkResources(container, where, problems) {
  const { requests = {}, limits = {} } = container.resources ?? {};
  for (const r of ['cpu', 'memory']) {
    if (requests[r] === undefined) problems.push(`${where}: resources.requests.${r} is not set`);
  }
  if (limits.memory === undefined) problems.push(`${where}: resources.limits.memory is not set`);
  for (const r of ['cpu', 'memory']) {
    const req = quantity(requests[r]);
    const lim = quantity(limits[r]);
    if (requests[r] !== undefined && req === undefined)
      problems.push(`${where}: resources.requests.${r} is not a quantity`);
    if (limits[r] !== undefined && lim === undefined)
      problems.push(`${where}: resources.limits.${r} is not a quantity`);
    if (req !== undefined && lim !== undefined && req > lim) {
      problems.push(
        `${where}: resources.requests.${r} (${requests[r]}) exceeds its limit (${limits[r]})`,
      );
    }
  }
}

/** Rules for one Deployment; returns its APP_ROLE and secret references. */
function checkDeployment(d, configMaps, known, problems) {
  const where = label(d);
  const spec = d.obj.spec ?? {};
  const pod = spec.template?.spec ?? {};
  const containers = pod.containers ?? [];
  const result = { role: undefined, secretRefs: [] };

  const templateLabels = spec.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.selector?.matchLabels ?? {})) {
    if (templateLabels[k] !== v)
      problems.push(`${where}: selector ${k}=${v} does not match the pod template's labels`);
  }
  for (const c of [...containers, ...(pod.initContainers ?? [])]) {
    const cw = `${where}: container ${c.name}`;
    checkSecurity(pod, c, cw, problems);
    checkResources(c, cw, problems);
    if (
      typeof c.image !== 'string' ||
      !/[:@]/.test(c.image.replace(/^[^/]*:\d+\//, '')) ||
      /:latest$/.test(c.image)
    ) {
      problems.push(`${cw}: image ${c.image} needs a release tag or digest (not latest)`);
    }
  }
  const app = containers.find((c) => c.name === APP_CONTAINER);
  if (!app) {
    problems.push(`${where}: no container named ${APP_CONTAINER}`);
    return result;
  }
  const cw = `${where}: container ${APP_CONTAINER}`;
  if (!sameCommand(app.command) || (app.args ?? []).length > 0) {
    problems.push(
      `${cw}: command must be ${JSON.stringify(RUN_COMMAND)} with no args (the node process must receive SIGTERM)`,
    );
  }

  const env = resolveEnv(app, configMaps, cw, problems);
  if (known) {
    for (const name of env.keys()) {
      if (!known.has(name))
        problems.push(`${cw}: ${name} is not a variable Meridian reads (see .env.example)`);
    }
  }
  for (const [name, v] of env) {
    if ((SECRET_VARIABLES.includes(name) || SECRET_NAME.test(name)) && v.source !== 'secret') {
      problems.push(`${cw}: ${name} is a secret: take it from a Secret with secretKeyRef`);
    }
    if (v.source === 'secret') result.secretRefs.push({ ...v.ref, variable: name });
  }
  for (const name of REQUIRED_SECRETS) {
    const v = env.get(name);
    if (!v || v.source !== 'secret' || v.ref.optional) {
      problems.push(`${cw}: ${name} must come from a Secret (secretKeyRef, not optional)`);
    }
  }

  const role = plainValue(env, 'APP_ROLE', cw, problems);
  if (!ROLES.includes(role)) {
    problems.push(
      `${cw}: APP_ROLE must be set to one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`,
    );
  } else result.role = role;
  const nodeEnv = plainValue(env, 'NODE_ENV', cw, problems) ?? 'production';
  if (nodeEnv !== 'production')
    problems.push(`${cw}: NODE_ENV must be production (got ${JSON.stringify(nodeEnv)})`);
  const host = plainValue(env, 'HOST', cw, problems);
  if (host !== '0.0.0.0' && host !== '::') {
    problems.push(
      `${cw}: HOST must be set to 0.0.0.0 (or ::): probes and the Service reach the pod's IP (got ${JSON.stringify(host)})`,
    );
  }
  const port = integerValue(env, 'PORT', 3000, cw, problems);
  const ports = new Map(
    (app.ports ?? []).filter((p) => p.name).map((p) => [p.name, Number(p.containerPort)]),
  );
  if (!(app.ports ?? []).some((p) => Number(p.containerPort) === port)) {
    problems.push(`${cw}: no containerPort ${port} (PORT)`);
  }
  checkProbe(app.livenessProbe, 'livenessProbe', '/health/live', ports, port, cw, problems);
  checkProbe(app.readinessProbe, 'readinessProbe', '/health/ready', ports, port, cw, problems);
  if (app.startupProbe)
    checkProbe(app.startupProbe, 'startupProbe', '/health/live', ports, port, cw, problems);

  const migrations = plainValue(env, 'MIGRATIONS_RUN', cw, problems);
  if (migrations !== undefined && !truthy(migrations)) {
    problems.push(
      `${cw}: MIGRATIONS_RUN must be true: both roles migrate under the advisory lock, so no pod starts work on an old schema`,
    );
  }

  const graceMs = integerValue(env, 'SHUTDOWN_GRACE_MS', 5000, cw, problems);
  const timeoutMs = integerValue(env, 'SHUTDOWN_TIMEOUT_MS', 30000, cw, problems);
  const needed = Math.ceil((graceMs + timeoutMs) / 1000) + GRACE_MARGIN_SECONDS;
  const period = pod.terminationGracePeriodSeconds ?? 30;
  if (period < needed) {
    problems.push(
      `${where}: terminationGracePeriodSeconds ${period} is below (SHUTDOWN_GRACE_MS ${graceMs} + SHUTDOWN_TIMEOUT_MS ${timeoutMs})/1000 + ${GRACE_MARGIN_SECONDS} s = ${needed}`,
    );
  }
  return result;
}

const selects = (selector, labels) =>
  Object.keys(selector ?? {}).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Services, budgets, autoscalers and Secrets against the Deployments. */
function checkReferences(set, examples, deployments, namespace, problems) {
  const podsOf = (sel) =>
    deployments.filter((x) => selects(sel, x.d.obj.spec?.template?.metadata?.labels));
  for (const role of ROLES) {
    if (!deployments.some((x) => x.role === role))
      problems.push(`no Deployment with APP_ROLE=${role}`);
  }
  for (const d of set) {
    const { kind, spec = {} } = d.obj;
    if (kind === 'Service') {
      const targets = podsOf(spec.selector);
      if (targets.length !== 1 || targets[0].role !== 'api') {
        problems.push(`${label(d)}: selector must match the pods of the api Deployment only`);
        continue;
      }
      const app = targets[0].d.obj.spec.template.spec.containers.find(
        (c) => c.name === APP_CONTAINER,
      );
      for (const p of spec.ports ?? []) {
        const t = p.targetPort ?? p.port;
        const ok = (app?.ports ?? []).some((cp) =>
          typeof t === 'number' ? cp.containerPort === t : cp.name === t,
        );
        if (!ok) problems.push(`${label(d)}: targetPort ${t} is not a port of the api container`);
      }
    }
    if (kind === 'PodDisruptionBudget' && podsOf(spec.selector?.matchLabels).length !== 1) {
      problems.push(`${label(d)}: selector must match the pods of exactly one Deployment`);
    }
  }
  for (const x of deployments) {
    const where = label(x.d);
    const labels = x.d.obj.spec?.template?.metadata?.labels;
    const pdbs = set.filter(
      (d) =>
        d.obj.kind === 'PodDisruptionBudget' && selects(d.obj.spec?.selector?.matchLabels, labels),
    );
    if (pdbs.length !== 1)
      problems.push(`${where}: needs exactly one PodDisruptionBudget (found ${pdbs.length})`);
    const hpas = set.filter(
      (d) =>
        d.obj.kind === 'HorizontalPodAutoscaler' &&
        d.obj.spec?.scaleTargetRef?.kind === 'Deployment' &&
        d.obj.spec?.scaleTargetRef?.name === x.d.obj.metadata?.name,
    );
    if (hpas.length !== 1)
      problems.push(`${where}: needs exactly one HorizontalPodAutoscaler (found ${hpas.length})`);
    else {
      if (x.d.obj.spec?.replicas !== undefined) {
        problems.push(
          `${where}: sets replicas, which every apply would reset under its HorizontalPodAutoscaler`,
        );
      }
      if ((hpas[0].obj.spec?.minReplicas ?? 1) < 2) {
        problems.push(
          `${label(hpas[0])}: minReplicas must be at least 2, so a disruption leaves a pod running`,
        );
      }
    }
  }
  for (const d of set) {
    const ref = d.obj.kind === 'HorizontalPodAutoscaler' ? d.obj.spec?.scaleTargetRef : undefined;
    if (
      ref &&
      !deployments.some((x) => ref.kind === 'Deployment' && x.d.obj.metadata?.name === ref.name)
    ) {
      problems.push(
        `${label(d)}: scaleTargetRef ${ref.kind}/${ref.name} is not among the Deployments`,
      );
    }
  }
  // The example Secret documents every key the pods read, in the namespace they run in.
  const exampleSecrets = examples.filter((d) => d.obj.kind === 'Secret');
  for (const s of exampleSecrets) {
    if (namespace && s.obj.metadata?.namespace !== namespace) {
      problems.push(`${label(s)}: namespace must be ${namespace}, where the pods look for it`);
    }
  }
  for (const x of deployments) {
    for (const ref of x.secretRefs) {
      const secret = exampleSecrets.find((s) => s.obj.metadata?.name === ref.name);
      const keys = { ...secret?.obj.data, ...secret?.obj.stringData };
      if (!secret || !(ref.key in keys)) {
        problems.push(
          `${label(x.d)}: Secret ${ref.name} key ${ref.key} (${ref.variable}) is missing from the example Secret`,
        );
      }
    }
  }
}

// ------------------------------------------------------------------ entry points -----

/**
 * Validates every manifest in `dir`. Returns the documents found and the problems (an
 * empty list when everything holds).
 */
export async function validateManifests(dir = DEFAULT_DIR) {
  const problems = [];
  const files = readdirSync(dir)
    .filter((f) => {
      if (statSync(path.join(dir, f)).isDirectory()) {
        problems.push(`${f}/: subfolders are not validated; extend scripts/validate-k8s.mjs first`);
        return false;
      }
      return /\.ya?ml$/.test(f);
    })
    .sort();
  const loaded = new Map(files.map((f) => [f, loadFile(path.join(dir, f), f, problems)]));
  const kustomizationFile = files.find((f) => /^kustomization\.ya?ml$/.test(f));
  if (!kustomizationFile || loaded.get(kustomizationFile).length !== 1) {
    problems.push(
      'kustomization.yaml (one document) is missing, so `kubectl apply -k` cannot work',
    );
    return { documents: [], problems };
  }
  const kustomization = loaded.get(kustomizationFile)[0];
  const applied = checkKustomization(dir, files, kustomization, problems);

  const documents = [];
  const typed = [];
  for (const f of files.filter((x) => x !== kustomizationFile)) {
    for (const d of loaded.get(f)) {
      documents.push(d);
      const model = await checkSchema(d, problems);
      if (model) typed.push({ d, model });
    }
  }
  checkUnknownFields(typed, problems);

  const k = kustomization.obj;
  const set = applied.flatMap((f) => loaded.get(f)).map((d) => kustomize(d, k));
  const examples = files.filter(isExample).flatMap((f) => loaded.get(f));
  const known = knownVariables(problems);
  const configMaps = new Map(
    set.filter((d) => d.obj.kind === 'ConfigMap').map((d) => [d.obj.metadata?.name, d.obj]),
  );
  for (const d of set.filter((x) => x.obj.kind === 'ConfigMap')) {
    for (const key of Object.keys(d.obj.data ?? {})) {
      if (SECRET_VARIABLES.includes(key) || SECRET_NAME.test(key)) {
        problems.push(`${label(d)}: ${key} is a secret and belongs in the Secret, not a ConfigMap`);
      }
      if (known && !known.has(key))
        problems.push(`${label(d)}: ${key} is not a variable Meridian reads (see .env.example)`);
    }
  }
  for (const d of set.filter((x) => x.obj.kind === 'Namespace')) {
    if (k.namespace && d.obj.metadata?.name !== k.namespace) {
      problems.push(
        `${label(d)}: the kustomization deploys into ${k.namespace}, not this namespace`,
      );
    }
  }
  const deployments = set
    .filter((d) => d.obj.kind === 'Deployment')
    .map((d) => ({ d, ...checkDeployment(d, configMaps, known, problems) }));
  checkReferences(set, examples, deployments, k.namespace, problems);
  return { documents, problems };
}

async function main() {
  const dir = path.resolve(process.argv[2] ?? DEFAULT_DIR);
  const shown = path.relative(process.cwd(), dir) || '.';
  const { documents, problems } = await validateManifests(dir);
  const files = new Set(documents.map((d) => d.file)).size;
  if (problems.length > 0) {
    console.error(`${shown}: ${problems.length} problem(s) in ${documents.length} documents:`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exitCode = 1;
    return;
  }
  const kinds = documents.map((d) => d.obj.kind);
  console.log(
    `${shown}: ${documents.length} documents in ${files} files are valid ` +
      `(${[...new Set(kinds)].map((x) => `${kinds.filter((y) => y === x).length} ${x}`).join(', ')})`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
