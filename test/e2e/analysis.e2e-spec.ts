import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AnalysisSweeper } from '../../src/analysis/analysis-sweeper.service.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import { jsonBody, newUser, type TestUser } from '../support/accounts.js';
import { GitFixture } from '../support/git-fixtures.js';
import { GitHubPeer } from '../support/github-peer.js';
import { readSse } from '../support/sse.js';
import { DataSource } from 'typeorm';

interface Repo {
  id: string;
  githubId: number | null;
  name: string;
  fullName: string;
  description: string | null;
  language: string | null;
  stars: number;
  forks: number;
  watchers: number;
  size: number;
  defaultBranch: string | null;
  analysisStatus: string;
  lastAnalyzed: string | null;
  owner: { id: number | null; username: string; avatarUrl: string | null };
  ownerUserId: string | null;
  organizationId: string | null;
  connectionId: string | null;
  autoAnalyze: boolean;
  notificationSettings: { emailUpdates: boolean; webhookUrl: string | null };
}
interface Job {
  jobId: string;
  status: string;
  estimatedDuration: number;
  createdAt: string;
}
interface Status {
  jobId: string;
  status: string;
  step: string | null;
  progress: number;
  commit: string | null;
  timings: { step: string; durationMs: number | null }[];
  error: { code: string; message: string } | null;
}
interface Insight {
  type: string;
  severity: string;
  modelVersion: string;
  data: Record<string, unknown>;
}
interface Problem {
  status: number;
  code: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALICE = { name: 'Alice', email: 'alice@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };
const CAROL = { name: 'Carol', email: 'carol@example.com' };

const APP_V1 = `// entry point
import { add } from './math';

/* prints
   the sum */
console.log(add(1, 2));
`;
const APP_V2 = APP_V1.replace(
  "import { add } from './math';",
  "import { add, sub } from './math';",
).replace('console.log(add(1, 2));', 'console.log(add(1, 2), sub(3, 1));');
const APP_V3 = APP_V2.replace("'./math'", "'./lib/math'");
const MATH_V1 = `export function add(a: number, b: number): number {
  return a + b; // sum
}
`;
const MATH_V2 = `${MATH_V1}
export function sub(a: number, b: number): number {
  return a - b;
}
`;

/**
 * Five commits by three authors: a rename (src/math.ts -> src/lib/math.ts in the same
 * commit as an edit of app.ts), a symlink pointing outside the repository, dated commits.
 */
function buildFixture(): GitFixture {
  return new GitFixture('widgets')
    .commit({
      author: ALICE,
      date: '2024-01-01T10:00:00Z',
      message: 'start',
      write: {
        'src/app.ts': APP_V1,
        'src/math.ts': MATH_V1,
        'README.md': '# Widgets\n\nA small fixture.\n',
      },
    })
    .commit({
      author: BOB,
      date: '2024-01-08T10:00:00Z',
      message: 'sub',
      write: { 'src/math.ts': MATH_V2, 'src/app.ts': APP_V2 },
    })
    .commit({
      author: ALICE,
      date: '2024-02-01T10:00:00Z',
      message: 'tool',
      write: { 'scripts/tool.py': '# helper\ndef main():\n    return 1\n' },
      symlinks: { 'docs/passwd.md': '/etc/passwd' },
    })
    .commit({
      author: CAROL,
      date: '2024-04-01T10:00:00Z',
      message: 'move math',
      rename: [['src/math.ts', 'src/lib/math.ts']],
      write: { 'src/app.ts': APP_V3 },
    })
    .commit({
      author: BOB,
      date: '2024-06-15T10:00:00Z',
      message: 'comment',
      write: { 'src/lib/math.ts': `// math helpers\n${MATH_V2}` },
    });
}

describe('repository analysis', () => {
  let t: TestApp;
  let github: GitHubPeer;
  let fixture: GitFixture;
  let hanging: Server;
  let hangingUrl: string;
  let alice: TestUser;
  let bob: TestUser;
  let work: Set<string>;

  const workFolders = () =>
    new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('meridian-analysis-')));

  beforeAll(async () => {
    github = new GitHubPeer();
    await github.start();
    fixture = buildFixture();
    hanging = createServer(() => undefined);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/acme/slow.git`;
    work = workFolders();
    t = await startTestApp({
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: 'ghp_public_token_for_tests',
      ANALYSIS_ALLOW_LOCAL_REPOS: 'true',
      ANALYSIS_EVENTS_POLL_MS: '100',
      ANALYSIS_CLONE_TIMEOUT_MS: '20000',
    });
    alice = await newUser(t);
    bob = await newUser(t);
  }, 60_000);

  afterAll(async () => {
    hanging?.closeAllConnections();
    await new Promise<void>((r) => (hanging ? hanging.close(() => r()) : r()));
    await t?.close();
    await github?.stop();
    fixture?.remove();
  });

  const post = (user: TestUser, path: string, body: unknown) =>
    t.request(`/api/v1${path}`, jsonBody(body, user.auth));

  async function register(user: TestUser, body: Record<string, unknown>): Promise<Repo> {
    const res = await post(user, '/repositories', body);
    expect(res.status).toBe(201);
    return (await res.json()) as Repo;
  }

  async function waitFinished(user: TestUser, jobId: string): Promise<Status> {
    const until = Date.now() + 30_000;
    for (;;) {
      const res = await t.request(`/api/v1/analysis/${jobId}/status`, { headers: user.auth });
      const s = (await res.json()) as Status;
      if (['completed', 'failed', 'cancelled'].includes(s.status) || Date.now() > until) return s;
      await sleep(100);
    }
  }

  it('registers a GitHub repository with the metadata GitHub gives, using GITHUB_TOKEN', async () => {
    github.addPublicRepo('octo/widgets');
    const repo = await register(alice, {
      githubUrl: 'https://github.com/octo/widgets',
      notificationSettings: { emailUpdates: true, webhookUrl: 'https://hooks.example/x' },
    });
    expect(repo).toMatchObject({
      githubId: 500000,
      name: 'widgets',
      fullName: 'octo/widgets',
      description: 'The widgets repository',
      language: 'TypeScript',
      stars: 42,
      forks: 7,
      watchers: 5,
      size: 1234,
      defaultBranch: 'main',
      analysisStatus: 'pending',
      lastAnalyzed: null,
      owner: { id: 9001, username: 'octo', avatarUrl: 'https://avatars.example/octo' },
      ownerUserId: alice.id,
      organizationId: null,
      autoAnalyze: false,
      notificationSettings: { emailUpdates: true, webhookUrl: 'https://hooks.example/x' },
    });
    expect(github.repoAuthorizations.at(-1)).toBe('Bearer ghp_public_token_for_tests');

    const again = await post(alice, '/repositories', {
      githubUrl: 'https://github.com/octo/widgets.git',
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Problem).code).toBe('REPOSITORY_ALREADY_TRACKED');
  });

  it('answers 422 REPOSITORY_NOT_FOUND for a repository GitHub does not have', async () => {
    const res = await post(alice, '/repositories', {
      githubUrl: 'https://github.com/octo/missing',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).code).toBe('REPOSITORY_NOT_FOUND');
    const local = await post(alice, '/repositories', {
      githubUrl: 'file:///nonexistent/acme/none.git',
    });
    expect(local.status).toBe(422);
    expect(((await local.json()) as Problem).code).toBe('REPOSITORY_NOT_FOUND');
  });

  it.each([
    ['ext::sh -c touch% /tmp/pwned', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['--upload-pack=touch /tmp/x', 'REPOSITORY_URL_INVALID'],
    ['-ufoo', 'REPOSITORY_URL_INVALID'],
    ['ssh://github.com/a/b', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['http://github.com/a/b', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['https://evil.example/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://x:secret@github.com/a/b', 'REPOSITORY_URL_INVALID'],
    ['https://github.com/only-owner', 'REPOSITORY_URL_INVALID'],
  ])('refuses %s with %s and records nothing', async (githubUrl, code) => {
    const before = github.repoAuthorizations.length;
    const res = await post(bob, '/repositories', { githubUrl });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).code).toBe(code);
    expect(github.repoAuthorizations.length).toBe(before);
    const list = await t.request('/api/v1/repositories', { headers: bob.auth });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('analyses a local repository: size, languages and history figures as worked out by hand', async () => {
    const repo = await register(alice, { githubUrl: fixture.url });
    expect(repo).toMatchObject({ fullName: 'acme/widgets', githubId: null, defaultBranch: 'main' });

    const bad = await post(alice, `/repositories/${repo.id}/analyze`, { ref: '--upload-pack=x' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).code).toBe('REF_INVALID');
    const unknown = await post(alice, `/repositories/${repo.id}/analyze`, {
      options: { bogus: true },
    });
    expect(unknown.status).toBe(400);

    const started = await post(alice, `/repositories/${repo.id}/analyze`, {});
    expect(started.status).toBe(202);
    const job = (await started.json()) as Job;
    expect(job.status).toBe('queued');
    expect(job.estimatedDuration).toBeGreaterThan(0);
    const second = await post(alice, `/repositories/${repo.id}/analyze`, { analysisType: 'full' });
    expect(second.status).toBe(202);
    expect(((await second.json()) as Job).jobId).toBe(job.jobId);

    const events = await t.request(`/api/v1/analysis/${job.jobId}/events`, { headers: alice.auth });
    const { events: stream } = await readSse(events, (e) => e.event === 'end', 30_000);
    const end = stream.at(-1)!;
    expect(end.event).toBe('end');
    expect((end.data as Status).status).toBe('completed');

    const status = await waitFinished(alice, job.jobId);
    expect(status).toMatchObject({ status: 'completed', progress: 100, step: null, error: null });
    expect(status.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(status.timings.map((s) => s.step)).toEqual([
      'cloning',
      'size',
      'history',
      'saving_results',
    ]);
    expect(status.timings.every((s) => typeof s.durationMs === 'number')).toBe(true);

    const res = await t.request(`/api/v1/repositories/${repo.id}/insights?limit=100`, {
      headers: alice.auth,
    });
    expect(res.status).toBe(200);
    const insights = ((await res.json()) as { items: Insight[]; total: number }).items;
    const byType = new Map(insights.map((i) => [i.type, i]));
    const size = byType.get('size')!;
    expect(size.modelVersion).toBe('size@1');
    expect(size.data.languages).toEqual([
      { language: 'TypeScript', files: 2, code: 8, comment: 4, blank: 2 },
      { language: 'Markdown', files: 1, code: 2, comment: 0, blank: 1 },
      { language: 'Python', files: 1, code: 2, comment: 1, blank: 0 },
    ]);
    expect(size.data.files).toEqual([
      { path: 'src/lib/math.ts', language: 'TypeScript', code: 6, comment: 1, blank: 1 },
      { path: 'README.md', language: 'Markdown', code: 2, comment: 0, blank: 1 },
      { path: 'scripts/tool.py', language: 'Python', code: 2, comment: 1, blank: 0 },
      { path: 'src/app.ts', language: 'TypeScript', code: 2, comment: 3, blank: 1 },
    ]);

    const history = byType.get('history')!.data;
    expect(history.commits).toBe(5);
    expect(history.activeAuthors).toBe(2);
    expect(history.churn).toEqual([
      { path: 'src/lib/math.ts', revisions: 4, added: 8, deleted: 0 },
      { path: 'src/app.ts', revisions: 3, added: 9, deleted: 3 },
      { path: 'README.md', revisions: 1, added: 3, deleted: 0 },
      { path: 'scripts/tool.py', revisions: 1, added: 3, deleted: 0 },
    ]);
    expect(history.hotspots).toEqual([
      { path: 'src/lib/math.ts', score: 24 },
      { path: 'src/app.ts', score: 6 },
      { path: 'README.md', score: 2 },
      { path: 'scripts/tool.py', score: 2 },
    ]);
    expect(history.coupling).toEqual([
      { files: ['src/app.ts', 'src/lib/math.ts'], support: 3, confidence: 1 },
      { files: ['src/lib/math.ts', 'src/app.ts'], support: 3, confidence: 0.75 },
    ]);
    expect(history.ownership).toEqual([
      { path: 'README.md', owner: 'Alice', share: 1 },
      { path: 'scripts/tool.py', owner: 'Alice', share: 1 },
      { path: 'src/app.ts', owner: 'Alice', share: 0.6667 },
      { path: 'src/lib/math.ts', owner: 'Bob', share: 0.625 },
    ]);
    expect(history.busFactor).toBe(1);
    expect(history.codeAge).toEqual([
      { path: 'README.md', lastChanged: '2024-01-01T10:00:00.000Z' },
      { path: 'scripts/tool.py', lastChanged: '2024-02-01T10:00:00.000Z' },
      { path: 'src/app.ts', lastChanged: '2024-04-01T10:00:00.000Z' },
      { path: 'src/lib/math.ts', lastChanged: '2024-06-15T10:00:00.000Z' },
    ]);
    expect(byType.get('ownership')).toMatchObject({ severity: 'medium', data: { busFactor: 1 } });

    const filtered = await t.request(
      `/api/v1/repositories/${repo.id}/insights?type=size&severity=info`,
      {
        headers: alice.auth,
      },
    );
    expect(((await filtered.json()) as { items: Insight[] }).items.map((i) => i.type)).toEqual([
      'size',
    ]);
    const badLimit = await t.request(`/api/v1/repositories/${repo.id}/insights?limit=101`, {
      headers: alice.auth,
    });
    expect(badLimit.status).toBe(400);

    const metrics = await t.request(`/api/v1/repositories/${repo.id}/metrics`, {
      headers: alice.auth,
    });
    const items = ((await metrics.json()) as { items: Record<string, unknown>[] }).items;
    expect(items).toEqual([
      expect.objectContaining({
        jobId: job.jobId,
        lines: 12,
        hotspots: 4,
        busFactor: 1,
        complexity: null,
        secretsFound: null,
      }),
    ]);

    const after = await t.request(`/api/v1/repositories/${repo.id}`, { headers: alice.auth });
    const record = (await after.json()) as Repo;
    expect(record.analysisStatus).toBe('completed');
    expect(record.lastAnalyzed).not.toBeNull();

    const cancelDone = await t.request(`/api/v1/analysis/${job.jobId}/cancel`, {
      method: 'POST',
      headers: alice.auth,
    });
    expect(cancelDone.status).toBe(409);
    expect(((await cancelDone.json()) as Problem).code).toBe('ANALYSIS_JOB_FINISHED');

    // Nobody else sees the repository or its jobs.
    for (const path of [
      `/repositories/${repo.id}`,
      `/repositories/${repo.id}/insights`,
      `/analysis/${job.jobId}/status`,
    ]) {
      const res404 = await t.request(`/api/v1${path}`, { headers: bob.auth });
      expect(res404.status).toBe(404);
    }
  }, 60_000);

  it('cancels a run stuck in cloning, stops git and removes the work folder', async () => {
    const slow = new GitFixture('slow');
    slow.commit({
      author: ALICE,
      date: '2024-01-01T00:00:00Z',
      message: 'x',
      write: { 'a.txt': 'a\n' },
    });
    const repo = await register(bob, { githubUrl: slow.url });
    slow.remove();
    const ds = t.app.get(DataSource);
    await ds.query(`UPDATE analyzed_repositories SET clone_url = $2 WHERE id = $1`, [
      repo.id,
      hangingUrl,
    ]);
    const job = (await (await post(bob, `/repositories/${repo.id}/analyze`, {})).json()) as Job;
    const until = Date.now() + 15_000;
    let s: Status;
    do {
      await sleep(100);
      s = (await (
        await t.request(`/api/v1/analysis/${job.jobId}/status`, { headers: bob.auth })
      ).json()) as Status;
    } while (s.step !== 'cloning' && Date.now() < until);
    expect(s.step).toBe('cloning');
    const res = await t.request(`/api/v1/analysis/${job.jobId}/cancel`, {
      method: 'POST',
      headers: bob.auth,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Status).status).toBe('cancelled');
    // the worker notices within about a second and cleans up
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && [...workFolders()].some((f) => !work.has(f))) await sleep(100);
    expect([...workFolders()].filter((f) => !work.has(f))).toEqual([]);
    const repoNow = (await (
      await t.request(`/api/v1/repositories/${repo.id}`, { headers: bob.auth })
    ).json()) as Repo;
    expect(repoNow.analysisStatus).toBe('cancelled');
  }, 30_000);

  it('fails a run whose worker stopped answering instead of leaving it in progress', async () => {
    const repo = await register(bob, { githubUrl: fixture.url });
    const ds = t.app.get(DataSource);
    const [row] = await ds.query<{ id: string }[]>(
      `INSERT INTO analysis_jobs (repository_id, status, analysis_type, options, estimated_duration_ms, started_at, heartbeat_at, attempts)
       VALUES ($1, 'in_progress', 'full', '{}', 1000, now() - interval '1 hour', now() - interval '1 hour', 1) RETURNING id`,
      [repo.id],
    );
    const swept = await t.app.get(AnalysisSweeper).sweep();
    expect(swept.failed).toBe(1);
    const s = (await (
      await t.request(`/api/v1/analysis/${row.id}/status`, { headers: bob.auth })
    ).json()) as Status;
    expect(s).toMatchObject({ status: 'failed', error: { code: 'WORKER_LOST' } });
  });

  it('lists mine and my organizations’ repositories with filters and a cursor; owners change and delete', async () => {
    const org = (await (await post(alice, '/organizations', { name: 'Acme' })).json()) as {
      id: string;
    };
    const added = await post(alice, `/organizations/${org.id}/members`, {
      email: bob.email,
      role: 'member',
    });
    expect(added.status).toBe(201);
    github.addPublicRepo('acme/gadgets', { language: 'Go' });
    const orgRepo = await register(alice, {
      githubUrl: 'https://github.com/acme/gadgets',
      organizationId: org.id,
    });
    expect(orgRepo).toMatchObject({ organizationId: org.id, ownerUserId: null, language: 'Go' });

    const denied = await post(bob, '/repositories', {
      githubUrl: 'https://github.com/acme/gadgets',
      organizationId: org.id,
    });
    expect(denied.status).toBe(403);

    const listed = await t.request('/api/v1/repositories?limit=100', { headers: bob.auth });
    const names = ((await listed.json()) as { items: Repo[] }).items.map((r) => r.fullName);
    expect(names).toContain('acme/gadgets');
    expect(names).not.toContain('octo/widgets');

    const go = await t.request('/api/v1/repositories?language=go', { headers: bob.auth });
    expect(((await go.json()) as { items: Repo[] }).items.map((r) => r.id)).toEqual([orgRepo.id]);
    const completed = await t.request('/api/v1/repositories?status=completed', {
      headers: alice.auth,
    });
    expect(((await completed.json()) as { items: Repo[] }).items.map((r) => r.fullName)).toEqual([
      'acme/widgets',
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await t.request(
        `/api/v1/repositories?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: alice.auth },
      );
      const body = (await page.json()) as { items: Repo[]; nextCursor: string | null };
      seen.push(...body.items.map((r) => r.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(3);
    expect(new Set(seen).size).toBe(3);

    // Through the organization's GitHub connection: its token, and a link to its record.
    const token = github.addUserToken('octocat', 'repo, read:org', [
      github.repo(77, 'octocat/secret-sauce'),
    ]);
    const conn = await post(alice, '/connections', {
      organizationId: org.id,
      service: 'github',
      name: 'Octocat',
      credentials: { kind: 'github_token', token },
    });
    expect(conn.status).toBe(201);
    const connection = (await conn.json()) as { id: string };
    const synced = await post(alice, `/connections/${connection.id}/repositories/sync`, {});
    expect(synced.status).toBe(200);
    github.addPublicRepo('octocat/secret-sauce', { private: true, id: 77 });
    const unreachable = await post(alice, '/repositories', {
      githubUrl: 'https://github.com/octo/widgets',
      organizationId: org.id,
      connectionId: connection.id,
    });
    expect(unreachable.status).toBe(422);
    expect(((await unreachable.json()) as Problem).code).toBe('REPOSITORY_NOT_REACHABLE');
    const viaConnection = await register(alice, {
      githubUrl: 'https://github.com/octocat/secret-sauce',
      organizationId: org.id,
      connectionId: connection.id,
    });
    expect(viaConnection).toMatchObject({
      githubId: 77,
      connectionId: connection.id,
      organizationId: org.id,
    });
    expect(github.repoAuthorizations.at(-1)).toBe(`Bearer ${token}`);
    const ds = t.app.get(DataSource);
    const [link] = await ds.query<{ full_name: string }[]>(
      `SELECT r.full_name FROM analyzed_repositories a JOIN repositories r ON r.id = a.repository_record_id WHERE a.id = $1`,
      [viaConnection.id],
    );
    expect(link.full_name).toBe('octocat/secret-sauce');

    const memberPut = await t.request(
      `/api/v1/repositories/${orgRepo.id}`,
      jsonBody({ autoAnalyze: true }, bob.auth, 'PUT'),
    );
    expect(memberPut.status).toBe(403);
    const put = await t.request(
      `/api/v1/repositories/${orgRepo.id}`,
      jsonBody(
        { autoAnalyze: true, notificationSettings: { emailUpdates: false, webhookUrl: null } },
        alice.auth,
        'PUT',
      ),
    );
    expect(put.status).toBe(200);
    expect((await put.json()) as Repo).toMatchObject({
      autoAnalyze: true,
      notificationSettings: { emailUpdates: false, webhookUrl: null },
    });
    const badHook = await t.request(
      `/api/v1/repositories/${orgRepo.id}`,
      jsonBody(
        { notificationSettings: { emailUpdates: false, webhookUrl: 'http://hooks.example/x' } },
        alice.auth,
        'PUT',
      ),
    );
    expect(badHook.status).toBe(400);

    const admin = await newUser(t, { roles: ['admin'] });
    const detail = await t.request(`/api/v1/admin/users/${alice.id}`, { headers: admin.auth });
    expect(detail.status).toBe(200);
    expect(((await detail.json()) as { counts: Record<string, number> }).counts.repositories).toBe(
      2,
    );
    const overview = await t.request('/api/v1/admin/stats/overview', { headers: admin.auth });
    const sections = (
      (await overview.json()) as { sections: { name: string; figures: Record<string, number> }[] }
    ).sections;
    expect(sections.find((x) => x.name === 'analysis')?.figures).toMatchObject({
      jobsCompleted: 1,
    });

    const memberDelete = await t.request(`/api/v1/repositories/${orgRepo.id}`, {
      method: 'DELETE',
      headers: bob.auth,
    });
    expect(memberDelete.status).toBe(403);
    const del = await t.request(`/api/v1/repositories/${orgRepo.id}`, {
      method: 'DELETE',
      headers: alice.auth,
    });
    expect(del.status).toBe(204);
    const gone = await t.request(`/api/v1/repositories/${orgRepo.id}`, { headers: alice.auth });
    expect(gone.status).toBe(404);
    const audit = await t.request(`/api/v1/admin/audit?targetId=${orgRepo.id}`, {
      headers: admin.auth,
    });
    expect(audit.status).toBe(200);
    const actions = ((await audit.json()) as { items: { action: string; actorId: string }[] })
      .items;
    expect(actions.map((a) => a.action).sort()).toEqual([
      'analysis.repository-deleted',
      'analysis.repository-registered',
    ]);
    expect(actions.every((a) => a.actorId === alice.id)).toBe(true);
  });
});

describe('repository URLs without local repositories allowed', () => {
  let t: TestApp;
  let user: TestUser;
  let fixture: GitFixture;

  beforeAll(async () => {
    fixture = new GitFixture('strict');
    fixture.commit({
      author: ALICE,
      date: '2024-01-01T00:00:00Z',
      message: 'x',
      write: { 'a.ts': 'x;\n' },
    });
    t = await startTestApp({
      GITHUB_API_URL: 'http://127.0.0.1:9',
      ANALYSIS_ALLOWED_HOSTS: 'github.com,127.0.0.1',
    });
    user = await newUser(t);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    fixture?.remove();
  });

  it.each([
    ['FILE', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['https://127.0.0.1/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://127.1/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://2130706433/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://0x7f.0.0.1/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://[::1]/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://[::ffff:127.0.0.1]/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://localhost/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['http://127.0.0.1:8080/a/b.git', 'REPOSITORY_HOST_NOT_ALLOWED'],
  ])('refuses %s with %s', async (url, code) => {
    const githubUrl = url === 'FILE' ? fixture.url : url;
    const res = await t.request('/api/v1/repositories', jsonBody({ githubUrl }, user.auth));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).code).toBe(code);
  });
});

describe('the soft time limit', () => {
  let t: TestApp;
  let user: TestUser;
  let fixture: GitFixture;

  beforeAll(async () => {
    fixture = buildFixture();
    t = await startTestApp({ ANALYSIS_ALLOW_LOCAL_REPOS: 'true', ANALYSIS_SOFT_TIMEOUT_MS: '1' });
    user = await newUser(t);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    fixture?.remove();
  });

  it('saves what was done and marks the run partial', async () => {
    const res = await t.request(
      '/api/v1/repositories',
      jsonBody({ githubUrl: fixture.url, autoAnalyze: true }, user.auth),
    );
    expect(res.status).toBe(201);
    const repo = (await res.json()) as Repo;
    expect(repo.analysisStatus).toBe('queued');
    const list = await t.request(`/api/v1/repositories/${repo.id}/metrics`, { headers: user.auth });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    const until = Date.now() + 30_000;
    let body: { items: Record<string, unknown>[] } = { items: [] };
    while (body.items.length === 0 && Date.now() < until) {
      await sleep(100);
      body = (await (
        await t.request(`/api/v1/repositories/${repo.id}/metrics`, { headers: user.auth })
      ).json()) as typeof body;
    }
    expect(body.items).toEqual([expect.objectContaining({ busFactor: null, hotspots: null })]);
    const jobId = body.items[0].jobId as string;
    const status = (await (
      await t.request(`/api/v1/analysis/${jobId}/status`, { headers: user.auth })
    ).json()) as Status & {
      partial: boolean;
    };
    expect(status).toMatchObject({ status: 'completed', partial: true });
    expect(status.timings.map((s) => s.step)).toEqual(['cloning', 'size', 'saving_results']);
    const insights = (await (
      await t.request(`/api/v1/repositories/${repo.id}/insights`, { headers: user.auth })
    ).json()) as {
      items: Insight[];
    };
    expect(insights.items.map((i) => i.type)).toEqual(['size']);
    expect(insights.items[0].data.partial).toBe(true);
  }, 40_000);
});
