import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { DEPENDENCY_FILES, EXPECTED_ECOSYSTEMS } from '../support/dependency-fixture.js';
import { GitFixture } from '../support/git-fixtures.js';
import { GitHttpServer } from '../support/git-http-server.js';
import { GitHubPeer } from '../support/github-peer.js';

interface Status {
  jobId: string;
  status: string;
  commit: string | null;
  analysisType: string;
  mode: string;
  baseCommit: string | null;
  fullRunReason: string | null;
  fileCounts: { analyzer: string; analyzed: number; reused: number }[];
  timings: { step: string }[];
  error: { code: string; message: string } | null;
}
interface Insight {
  jobId: string;
  type: string;
  severity: string;
  modelVersion: string;
  data: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALICE = { name: 'Alice', email: 'alice@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };
// Fake GitHub tokens of the right shape, assembled so no token-looking literal is in the source.
const KEY_A = ['gh', 'p_', 'Zx9Qw8Er7Ty6', 'Ui5Op4As3Df2', 'Gh1Jk0LmNbVc'].join('');
const KEY_B = ['gh', 'p_', 'Mn2Bv3Cx4Zl5', 'Kj6Hg7Fd8Sa9', 'Po0IuYtReWqQ'].join('');
const ALL_OPTIONS = { includeDependencyAnalysis: true, includeSecurityScan: true };

/** Every row of every table in the database, as text, holding `needle`. */
async function rowsHolding(ds: DataSource, needle: string): Promise<string[]> {
  const tables = await ds.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const [row] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM "${table_name}" x WHERE strpos(x::text, $1) > 0`,
      [needle],
    );
    if (Number(row.n) > 0) hits.push(table_name);
  }
  return hits;
}

describe('dependencies, secrets and incremental runs', () => {
  let t: TestApp;
  let user: TestUser;
  let fixture: GitFixture;
  const commits: Record<string, string> = {};
  const bodies: string[] = [];

  const call = async (path: string, init?: RequestInit) => {
    const res = await t.request(`/api/v1${path}`, init ?? { headers: user.auth });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };

  async function analyze(repoId: string, body: Record<string, unknown>): Promise<Status> {
    const started = await call(`/repositories/${repoId}/analyze`, jsonBody(body, user.auth));
    expect(started.status).toBe(202);
    const { jobId } = started.body as { jobId: string };
    const until = Date.now() + 60_000;
    for (;;) {
      const s = (await call(`/analysis/${jobId}/status`)).body as Status;
      if (['completed', 'failed', 'cancelled'].includes(s.status) || Date.now() > until) return s;
      await sleep(100);
    }
  }

  async function insightsOf(repoId: string, jobId: string): Promise<Map<string, Insight>> {
    const items: Insight[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await call(`/repositories/${repoId}/insights?limit=100&offset=${offset}`))
        .body as { items: Insight[]; total: number };
      items.push(...page.items);
      if (offset + 100 >= page.total) break;
    }
    return new Map(items.filter((i) => i.jobId === jobId).map((i) => [i.type, i]));
  }

  beforeAll(async () => {
    fixture = new GitFixture('shop');
    fixture.commit({
      author: ALICE,
      date: '2024-01-01T10:00:00Z',
      message: 'start',
      write: {
        ...DEPENDENCY_FILES,
        'src/config.js': `module.exports = {\n  token: '${KEY_A}',\n};\n`,
        'src/app.js': "const config = require('./config');\nconsole.log(config);\n",
      },
    });
    commits.leak = fixture.head();
    fixture.commit({
      author: BOB,
      date: '2024-02-01T10:00:00Z',
      message: 'read the token from the environment',
      write: { 'src/config.js': 'module.exports = {\n  token: process.env.apiToken,\n};\n' },
    });
    fixture.commit({
      author: ALICE,
      date: '2024-03-01T10:00:00Z',
      message: 'deploy settings',
      write: { 'deploy/settings.py': `# deploy\nREGION = "eu"\nTOKEN = "${KEY_B}"\n` },
    });
    commits.second = fixture.head();
    t = await startTestApp({ ANALYSIS_ALLOW_LOCAL_REPOS: 'true', ANALYSIS_EVENTS_POLL_MS: '100' });
    user = await newUser(t);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    fixture?.remove();
  });

  it('runs incrementally from the last analysed commit with figures equal to a full run, reading only the changed file', async () => {
    const reg = await call('/repositories', jsonBody({ githubUrl: fixture.url }, user.auth));
    expect(reg.status).toBe(201);
    const repoId = (reg.body as { id: string }).id;

    // No earlier run: an incremental request is analysed in full, and says so.
    const first = await analyze(repoId, { analysisType: 'incremental', options: ALL_OPTIONS });
    expect(first).toMatchObject({
      status: 'completed',
      analysisType: 'incremental',
      mode: 'full',
      baseCommit: null,
      commit: commits.second,
    });
    expect(first.fullRunReason).toMatch(/No earlier completed run/);
    expect(first.timings.map((s) => s.step)).toEqual([
      'cloning',
      'size',
      'history',
      'dependencies',
      'secrets',
      'saving_results',
    ]);
    const files = Object.keys(DEPENDENCY_FILES).length + 3;
    const firstCounts = new Map(first.fileCounts.map((c) => [c.analyzer, c]));
    expect(firstCounts.get('secrets@1')).toEqual({
      analyzer: 'secrets@1',
      analyzed: files,
      reused: 0,
    });
    const sizeFiles = firstCounts.get('size@1')!.analyzed;
    expect(sizeFiles).toBeGreaterThan(3);

    const firstInsights = await insightsOf(repoId, first.jobId);
    const deps = firstInsights.get('dependencies')!;
    expect(deps.modelVersion).toBe('dependencies@1');
    expect(deps.data.ecosystems).toEqual(EXPECTED_ECOSYSTEMS);
    const secrets = firstInsights.get('secrets')!;
    expect(secrets).toMatchObject({ modelVersion: 'secrets@1', severity: 'critical' });
    // KEY_B is in the tree (line 3, added by the third commit); KEY_A was added by the
    // first commit and removed by the second: only in history.
    expect(secrets.data).toMatchObject({
      findings: [
        {
          path: 'deploy/settings.py',
          line: 3,
          rule: 'github',
          commit: commits.second,
          inTree: true,
        },
        { path: 'src/config.js', line: 2, rule: 'github', commit: commits.leak, inTree: false },
      ],
      secretsFound: 2,
      inTree: 1,
      historyOnly: 1,
      commitsScanned: 3,
      historyTruncated: false,
    });

    // One commit changes one file; the incremental run reads that commit and that file.
    fixture.commit({
      author: BOB,
      date: '2024-03-10T10:00:00Z',
      message: 'log less',
      write: {
        'src/app.js':
          "const config = require('./config');\nconsole.log(Object.keys(config));\n// done\n",
      },
    });
    const head = fixture.head();
    const incremental = await analyze(repoId, {
      analysisType: 'incremental',
      options: ALL_OPTIONS,
    });
    expect(incremental).toMatchObject({
      status: 'completed',
      mode: 'incremental',
      baseCommit: commits.second,
      fullRunReason: null,
      commit: head,
    });
    const counts = new Map(incremental.fileCounts.map((c) => [c.analyzer, c]));
    expect(counts.get('size@1')).toEqual({
      analyzer: 'size@1',
      analyzed: 1,
      reused: sizeFiles - 1,
    });
    expect(counts.get('secrets@1')).toEqual({
      analyzer: 'secrets@1',
      analyzed: 1,
      reused: files - 1,
    });
    const ds = t.app.get(DataSource);
    const cached = await ds.query<{ path: string; updated_at: Date }[]>(
      `SELECT path, updated_at FROM analysis_file_results WHERE repository_id = $1 AND analyzer = 'size@1'
        ORDER BY updated_at DESC`,
      [repoId],
    );
    expect(cached.length).toBe(sizeFiles);
    expect(cached[0].path).toBe('src/app.js');
    expect(
      cached.filter((r) => r.updated_at.getTime() === cached[0].updated_at.getTime()).length,
    ).toBe(1);

    // A fresh full run of the same commit gives the same figures.
    const full = await analyze(repoId, { analysisType: 'full', options: ALL_OPTIONS });
    expect(full).toMatchObject({
      status: 'completed',
      mode: 'full',
      commit: head,
      fullRunReason: null,
    });
    const fullCounts = new Map(full.fileCounts.map((c) => [c.analyzer, c]));
    expect(fullCounts.get('size@1')).toEqual({
      analyzer: 'size@1',
      analyzed: sizeFiles,
      reused: 0,
    });
    const a = await insightsOf(repoId, incremental.jobId);
    const b = await insightsOf(repoId, full.jobId);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()]).toEqual(
      expect.arrayContaining(['size', 'history', 'ownership', 'dependencies', 'secrets']),
    );
    for (const [type, insight] of a)
      expect({ type, data: insight.data }).toEqual({ type, data: b.get(type)!.data });
    expect((a.get('history')!.data as { commits: number }).commits).toBe(4);
    const metrics = (await call(`/repositories/${repoId}/metrics`)).body as {
      items: { jobId: string; lines: number; busFactor: number; secretsFound: number | null }[];
    };
    const byJob = new Map(metrics.items.map((m) => [m.jobId, m]));
    expect(byJob.get(incremental.jobId)).toEqual({
      ...byJob.get(full.jobId),
      jobId: incremental.jobId,
      completedAt: expect.any(String),
    });
    expect(byJob.get(full.jobId)!.secretsFound).toBe(2);

    // History rewritten (a force push): the last analysed commit is no longer an ancestor.
    fixture.rewind(1).commit({
      author: ALICE,
      date: '2024-03-11T10:00:00Z',
      message: 'another way',
      write: { 'src/app.js': 'console.log(1);\n' },
    });
    const rewritten = await analyze(repoId, { analysisType: 'incremental', options: ALL_OPTIONS });
    expect(rewritten).toMatchObject({ status: 'completed', mode: 'full', baseCommit: null });
    expect(rewritten.fullRunReason).toMatch(/not an ancestor/);
    const rewrittenCounts = new Map(rewritten.fileCounts.map((c) => [c.analyzer, c]));
    expect(rewrittenCounts.get('size@1')!.reused).toBe(0);
    const history = (await insightsOf(repoId, rewritten.jobId)).get('history')!;
    expect(history.data.commits).toBe(4);
  }, 120_000);

  it('never lets the secrets out: no response, stored row or log holds them', async () => {
    for (const key of [KEY_A, KEY_B]) {
      expect(bodies.some((b) => b.includes(key))).toBe(false);
      expect(await rowsHolding(t.app.get(DataSource), key)).toEqual([]);
    }
    expect(bodies.join('\n')).toContain('"rule":"github"');
  });
});

describe('cloning over git smart HTTP', () => {
  let github: GitHubPeer;
  let fixture: GitFixture;
  let open: GitHttpServer;
  let guarded: GitHttpServer;
  let t: TestApp;
  let user: TestUser;
  const logs: string[] = [];
  const TOKEN = ['ghs', '_', 'InstallationTokenForHttpTests', '0001'].join('');
  const argvLeaks: string[] = [];

  /** Command lines of every process on the machine that holds the token. */
  const scanArgv = () => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (argv.includes(TOKEN)) argvLeaks.push(argv.replace(/\0/g, ' '));
      } catch {
        // gone meanwhile
      }
    }
  };

  beforeAll(async () => {
    fixture = new GitFixture('remote');
    fixture.commit({
      author: ALICE,
      date: '2024-01-01T10:00:00Z',
      message: 'start',
      write: {
        'src/main.ts': 'export const x = 1;\n',
        'package.json': '{"dependencies":{"ms":"2.1.3"}}',
      },
    });
    open = new GitHttpServer(fixture.root);
    await open.start();
    guarded = new GitHttpServer(fixture.root, {
      authorization: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
      onRequest: scanArgv,
    });
    await guarded.start();
    github = new GitHubPeer();
    await github.start();
    github.addPublicRepo('acme/remote', { private: true, default_branch: 'main' });
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    t = await startTestApp(
      {
        LOG_LEVEL: 'debug',
        ANALYSIS_ALLOW_LOCAL_REPOS: 'true',
        GITHUB_API_URL: github.url,
        GITHUB_WEB_URL: guarded.url,
        GITHUB_TOKEN: TOKEN,
      },
      [],
      { logStream },
    );
    user = await newUser(t);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await open?.stop();
    await guarded?.stop();
    await github?.stop();
    fixture?.remove();
  });

  async function analyzeUrl(githubUrl: string): Promise<{ status: Status; insights: Insight[] }> {
    const reg = await t.request('/api/v1/repositories', jsonBody({ githubUrl }, user.auth));
    expect(reg.status).toBe(201);
    const repo = (await reg.json()) as { id: string };
    const started = await t.request(
      `/api/v1/repositories/${repo.id}/analyze`,
      jsonBody({ options: { includeDependencyAnalysis: true } }, user.auth),
    );
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    let status: Status;
    const until = Date.now() + 30_000;
    do {
      await sleep(100);
      status = (await (
        await t.request(`/api/v1/analysis/${jobId}/status`, { headers: user.auth })
      ).json()) as Status;
    } while (!['completed', 'failed'].includes(status.status) && Date.now() < until);
    const insights = (await (
      await t.request(`/api/v1/repositories/${repo.id}/insights`, { headers: user.auth })
    ).json()) as { items: Insight[] };
    return { status, insights: insights.items };
  }

  it('clones an http://127.0.0.1 repository through git http-backend', async () => {
    const { status, insights } = await analyzeUrl(`${open.url}/acme/remote`);
    expect(status).toMatchObject({ status: 'completed', error: null });
    expect(status.commit).toBe(fixture.head());
    expect(insights.find((i) => i.type === 'dependencies')?.data.ecosystems).toEqual([
      expect.objectContaining({ ecosystem: 'npm', direct: 1, unpinned: 0 }),
    ]);
    expect(open.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /acme/remote/info/refs', 'POST /acme/remote/git-upload-pack']),
    );
  });

  it('sends the token as an Authorization header, never in the URL, a command line or a log', async () => {
    const { status } = await analyzeUrl(`${guarded.url}/acme/remote`);
    expect(status).toMatchObject({ status: 'completed', error: null });
    expect(github.repoAuthorizations.at(-1)).toBe(`Bearer ${TOKEN}`);
    const expected = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    expect(guarded.requests.length).toBeGreaterThan(1);
    expect(guarded.requests.every((r) => r.authorization === expected)).toBe(true);
    expect(guarded.requests.every((r) => !r.path.includes(TOKEN))).toBe(true);
    expect(argvLeaks).toEqual([]);
    const text = logs.join('');
    expect(text).toContain('"msg"');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });
});
