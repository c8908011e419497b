import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { parseAllDocuments, stringify } from 'yaml';

// scripts/validate-k8s.mjs (`npm run deploy:validate`) on the shipped manifests and on
// copies of them with one thing broken.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHIPPED = path.join(ROOT, 'deploy', 'k8s');
const SCRIPT = path.join(ROOT, 'scripts', 'validate-k8s.mjs');

interface Validation {
  documents: { file: string; obj: { kind: string; metadata?: { name?: string } } }[];
  problems: string[];
}
type Validate = (dir?: string) => Promise<Validation>;
type Doc = { kind: string; metadata?: { name?: string } };

let validateManifests: Validate;
const copies: string[] = [];

beforeAll(async () => {
  ({ validateManifests } = (await import(pathToFileURL(SCRIPT).href)) as {
    validateManifests: Validate;
  });
});

afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function copyOfShipped(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'meridian-k8s-'));
  copies.push(dir);
  await cp(SHIPPED, dir, { recursive: true });
  return dir;
}

/** A copy of deploy/k8s whose `file` went through `edit` as text. */
async function withText(file: string, edit: (text: string) => string): Promise<string> {
  const dir = await copyOfShipped();
  const before = await readFile(path.join(dir, file), 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  await writeFile(path.join(dir, file), after);
  return dir;
}

/** A copy of deploy/k8s whose `file` went through `edit` as parsed documents. */
async function withDocs(file: string, edit: (docs: Doc[]) => void): Promise<string> {
  return withText(file, (text) => {
    const docs = parseAllDocuments(text, { version: '1.1' });
    const objects = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS() as Doc);
    edit(objects);
    return objects.map((o) => stringify(o)).join('---\n');
  });
}

const find = <T>(docs: Doc[], kind: string, name: string): T => {
  const doc = docs.find((d) => d.kind === kind && d.metadata?.name === name);
  expect(doc).toBeDefined();
  return doc as unknown as T;
};
const appContainer = (docs: Doc[], name: string) =>
  find<IDeployment>(docs, 'Deployment', name).spec!.template.spec!.containers[0];
const configData = (docs: Doc[]) => find<IConfigMap>(docs, 'ConfigMap', 'meridian-config').data!;

async function problemsOf(dir: string): Promise<string[]> {
  return (await validateManifests(dir)).problems;
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('accepts the shipped manifests: an api and a worker Deployment with their Service, budgets and autoscalers', async () => {
    const { documents, problems } = await validateManifests(SHIPPED);
    expect(problems).toEqual([]);
    const names = documents.map((d) => `${d.obj.kind}/${d.obj.metadata?.name}`).sort();
    expect(names).toEqual([
      'ConfigMap/meridian-config',
      'Deployment/meridian-api',
      'Deployment/meridian-worker',
      'HorizontalPodAutoscaler/meridian-api',
      'HorizontalPodAutoscaler/meridian-worker',
      'Namespace/meridian',
      'PodDisruptionBudget/meridian-api',
      'PodDisruptionBudget/meridian-worker',
      'Secret/meridian-secrets',
      'Service/meridian-api',
      'ServiceAccount/meridian',
    ]);
  });

  it('npm run deploy:validate exits 0 on the shipped manifests and 1 with the problem on a broken copy', async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, [SCRIPT], { cwd: ROOT });
    expect(ok.stdout).toMatch(/deploy\/k8s: 11 documents in 6 files are valid/);

    const broken = await withText('api.yaml', (t) =>
      t.replace('path: /health/ready', 'path: /health/live'),
    );
    const failed = await run(process.execPath, [SCRIPT, broken], { cwd: ROOT }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      'api.yaml: Deployment/meridian-api: container meridian: readinessProbe must be httpGet on /health/ready',
    );
  });

  it('rejects a Deployment without a readiness probe', async () => {
    const dir = await withDocs('worker.yaml', (docs) => {
      delete appContainer(docs, 'meridian-worker').readinessProbe;
    });
    expect(await problemsOf(dir)).toEqual([
      'worker.yaml: Deployment/meridian-worker: container meridian: no readinessProbe (httpGet /health/ready)',
    ]);
  });

  it('rejects a field of the wrong type against the Kubernetes schema', async () => {
    const dir = await withText('api.yaml', (t) =>
      t.replace('containerPort: 3000', "containerPort: '3000'"),
    );
    expect(await problemsOf(dir)).toEqual([
      'api.yaml: Deployment/meridian-api: spec.template.spec.containers[0].ports[0].containerPort must be integer',
    ]);
  });

  it('rejects a misspelt field that the schema does not define, as kubectl would', async () => {
    const dir = await withText('api.yaml', (t) =>
      t.replace('          livenessProbe:', '          livenesProbe:'),
    );
    const problems = await problemsOf(dir);
    expect(problems).toContain(
      'api.yaml: Deployment/meridian-api: spec.template.spec.containers[0].livenesProbe is not a field of this kind (did you mean livenessProbe?)',
    );
    expect(problems).toContain(
      'api.yaml: Deployment/meridian-api: container meridian: no livenessProbe (httpGet /health/live)',
    );
  });

  it('reads YAML as kubectl does: an unquoted yes in the ConfigMap is a boolean', async () => {
    const dir = await withText('configmap.yaml', (t) =>
      t.replace("MIGRATIONS_RUN: 'true'", 'MIGRATIONS_RUN: yes'),
    );
    expect(await problemsOf(dir)).toEqual([
      'configmap.yaml: ConfigMap/meridian-config: data.MIGRATIONS_RUN must be string (got the boolean true: quote it)',
    ]);
  });

  it('rejects a kind that Kubernetes does not have', async () => {
    const dir = await withText('api.yaml', (t) =>
      t.replace('apiVersion: autoscaling/v2', 'apiVersion: autoscaling/v3'),
    );
    const problems = await problemsOf(dir);
    expect(problems).toContain(
      'api.yaml: HorizontalPodAutoscaler/meridian-api: unknown kind HorizontalPodAutoscaler in autoscaling/v3 (not a Kubernetes kind)',
    );
  });

  it('rejects a grace period below the ConfigMap’s SHUTDOWN_GRACE_MS + SHUTDOWN_TIMEOUT_MS plus the margin', async () => {
    const dir = await withDocs('configmap.yaml', (docs) => {
      configData(docs).SHUTDOWN_TIMEOUT_MS = '38000';
    });
    const below =
      'terminationGracePeriodSeconds 45 is below (SHUTDOWN_GRACE_MS 5000 + SHUTDOWN_TIMEOUT_MS 38000)/1000 + 5 s = 48';
    expect(await problemsOf(dir)).toEqual([
      `api.yaml: Deployment/meridian-api: ${below}`,
      `worker.yaml: Deployment/meridian-worker: ${below}`,
    ]);
  });

  it('rejects a pod that is allowed to run as root', async () => {
    const dir = await withDocs('api.yaml', (docs) => {
      const pod = find<IDeployment>(docs, 'Deployment', 'meridian-api').spec!.template.spec!;
      delete pod.securityContext!.runAsNonRoot;
    });
    expect(await problemsOf(dir)).toEqual([
      'api.yaml: Deployment/meridian-api: container meridian: securityContext.runAsNonRoot must be true',
    ]);
  });

  it('rejects a container without resource requests', async () => {
    const dir = await withDocs('worker.yaml', (docs) => {
      delete appContainer(docs, 'meridian-worker').resources!.requests;
    });
    expect(await problemsOf(dir)).toEqual([
      'worker.yaml: Deployment/meridian-worker: container meridian: resources.requests.cpu is not set',
      'worker.yaml: Deployment/meridian-worker: container meridian: resources.requests.memory is not set',
    ]);
  });

  it('rejects a secret kept in the ConfigMap', async () => {
    const dir = await withDocs('configmap.yaml', (docs) => {
      configData(docs).LLM_API_KEY = 'sk-live';
    });
    const problems = await problemsOf(dir);
    expect(problems).toContain(
      'configmap.yaml: ConfigMap/meridian-config: LLM_API_KEY is a secret and belongs in the Secret, not a ConfigMap',
    );
  });

  it('rejects a Deployment that leaves HOST to the loopback default', async () => {
    const dir = await withDocs('configmap.yaml', (docs) => {
      delete configData(docs).HOST;
    });
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^api\.yaml: .*HOST must be set to 0\.0\.0\.0/);
  });

  it('rejects a worker that skips migrations (both roles apply them under the advisory lock)', async () => {
    const dir = await withDocs('worker.yaml', (docs) => {
      appContainer(docs, 'meridian-worker').env!.push({ name: 'MIGRATIONS_RUN', value: 'false' });
    });
    expect(await problemsOf(dir)).toEqual([
      expect.stringMatching(/^worker\.yaml: .*MIGRATIONS_RUN must be true/),
    ]);
  });

  it('rejects npm start as the run command (SIGTERM would stop at npm)', async () => {
    const dir = await withDocs('api.yaml', (docs) => {
      appContainer(docs, 'meridian-api').command = ['npm', 'start'];
    });
    expect(await problemsOf(dir)).toEqual([
      expect.stringMatching(/^api\.yaml: .*command must be \["node","dist\/src\/main\.js"\]/),
    ]);
  });

  it('rejects a Service that selects the worker pods', async () => {
    const dir = await withDocs('api.yaml', (docs) => {
      const service = find<IService>(docs, 'Service', 'meridian-api');
      service.spec!.selector!['app.kubernetes.io/component'] = 'worker';
    });
    expect(await problemsOf(dir)).toEqual([
      'api.yaml: Service/meridian-api: selector must match the pods of the api Deployment only',
    ]);
  });

  it('rejects a manifest that kustomization.yaml does not list', async () => {
    const dir = await withText('kustomization.yaml', (t) => t.replace('  - worker.yaml\n', ''));
    const problems = await problemsOf(dir);
    expect(problems).toContain(
      'worker.yaml: not listed in kustomization.yaml, so `kubectl apply -k` would skip it',
    );
    expect(problems).toContain('no Deployment with APP_ROLE=worker');
  });

  it('rejects a secret reference that the example Secret does not document', async () => {
    const dir = await withDocs('secret.example.yaml', (docs) => {
      const secret = find<ISecret>(docs, 'Secret', 'meridian-secrets');
      delete secret.stringData!.SMTP_URL;
    });
    expect(await problemsOf(dir)).toEqual([
      'api.yaml: Deployment/meridian-api: Secret meridian-secrets key SMTP_URL (SMTP_URL) is missing from the example Secret',
      'worker.yaml: Deployment/meridian-worker: Secret meridian-secrets key SMTP_URL (SMTP_URL) is missing from the example Secret',
    ]);
  });
});
