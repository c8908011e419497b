// The built app (dist/) on the embedded default, started and stopped as a newcomer does in
// a terminal. The tests run in order on one DATA_DIR: the first start initialises it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  MeridianProcess,
  ensureBuilt,
  freePort,
  gone,
  isAlive,
  npmCommand,
  postmasterPid,
  processGroup,
  terminalEnv,
  troubles,
} from '../support/meridian-process.js';

describe('the built app on the embedded default', () => {
  let dataDir: string;
  let pgDir: string;
  const started: MeridianProcess[] = [];

  const env = (port: number, extra: Record<string, string> = {}) =>
    terminalEnv({ DATA_DIR: dataDir, PORT: String(port), SHUTDOWN_GRACE_MS: '300', ...extra });
  const node = (port: number, extra?: Record<string, string>) => {
    const p = new MeridianProcess(process.execPath, ['dist/src/main.js'], env(port, extra));
    started.push(p);
    return p;
  };

  beforeAll(async () => {
    ensureBuilt();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'meridian-first-run-'));
    await chmod(dataDir, 0o711); // run as root, the embedded server's user must reach it
    pgDir = path.join(dataDir, 'postgres');
  }, 180_000);

  afterAll(async () => {
    for (const p of started) p.kill();
    const orphan = postmasterPid(pgDir);
    if (orphan && isAlive(orphan)) process.kill(orphan, 'SIGQUIT');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('on its first start listens on 127.0.0.1 only and logs the generated administrator as one readable record', async () => {
    const port = await freePort();
    const app = node(port, { LOG_FORMAT: 'pretty' });
    await app.ready(port);
    // another loopback address reaches a server bound to 0.0.0.0, not one bound to 127.0.0.1
    await expect(fetch(`http://127.0.0.2:${port}/health/live`)).rejects.toThrow();

    const banner =
      /WARN: created the administrator admin@meridian\.local with a generated password, shown only now: sign in and change it\n\s+context: "AdminBootstrap"\n\s+adminEmail: "admin@meridian\.local"\n\s+generatedPassword: "([^"]+)"\n/.exec(
        app.output(),
      );
    expect(banner).not.toBeNull();
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@meridian.local', password: banner![1] }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toHaveProperty('accessToken');

    process.kill(app.pid, 'SIGTERM');
    await app.exitsCleanly();
    expect(troubles(app.output())).toEqual([]);
  }, 180_000);

  it('stops on Ctrl-C like on SIGTERM: exit 0, no stack trace, the embedded PostgreSQL (in its own process group) stopped', async () => {
    const port = await freePort();
    const app = node(port, { LOG_FORMAT: 'pretty' });
    await app.ready(port);

    const postgres = postmasterPid(pgDir)!;
    expect(processGroup(app.pid)).toBe(app.pid);
    const postgresGroup = processGroup(postgres);

    app.signalGroup('SIGINT');
    await app.exitsCleanly();
    const output = app.output();
    expect(output).toMatch(/shutting down: readiness is now 503\n\s+signal: "SIGINT"/);
    expect(output).toContain('shutdown complete');
    expect(troubles(output)).toEqual([]);
    expect(await gone(postgres)).toBe(true);
    expect(postgresGroup).not.toBe(app.pid);
  }, 180_000);

  it('npm start does not rebuild an up-to-date build, and its SIGTERM reaches Meridian', async () => {
    const main = await stat('dist/src/main.js');
    const port = await freePort();
    const [command, args] = npmCommand(['start']);
    const app = new MeridianProcess(command, args, env(port));
    started.push(app);
    await app.ready(port);
    expect(app.output()).toContain('build: dist/ is up to date with src/, not rebuilding');
    expect((await stat('dist/src/main.js')).mtimeMs).toBe(main.mtimeMs);
    // the administrator exists since the first start: no second password
    expect(app.output()).not.toContain('generatedPassword');
    const postgres = postmasterPid(pgDir)!;

    process.kill(app.pid, 'SIGTERM'); // the pid of npm, not of Meridian
    await app.exitsCleanly();
    const records = app
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; signal?: string });
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'shutting down: readiness is now 503', signal: 'SIGTERM' }),
    );
    expect(records).toContainEqual(expect.objectContaining({ msg: 'shutdown complete' }));
    expect(troubles(app.output())).toEqual([]);
    expect(await gone(postgres)).toBe(true);
  }, 180_000);

  it('stops the embedded PostgreSQL a killed Meridian left running, on the next start', async () => {
    const port = await freePort();
    const killed = node(port);
    await killed.ready(port);
    const orphan = postmasterPid(pgDir)!;
    process.kill(killed.pid, 'SIGKILL');
    await killed.exit();
    expect(isAlive(orphan)).toBe(true);

    const next = node(port);
    await next.ready(port);
    expect(next.output()).toContain(
      'stopping an embedded PostgreSQL left running by an earlier Meridian',
    );
    expect(isAlive(orphan)).toBe(false);
    const postgres = postmasterPid(pgDir)!;
    expect(postgres).not.toBe(orphan);

    process.kill(next.pid, 'SIGTERM');
    await next.exitsCleanly();
    expect(troubles(next.output())).toEqual([]);
    expect(await gone(postgres)).toBe(true);
  }, 180_000);

  it('stops cleanly on a Ctrl-C during start-up, once the current step has ended', async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'meridian-first-run-'));
    await chmod(fresh, 0o711);
    const port = await freePort();
    const app = new MeridianProcess(
      process.execPath,
      ['dist/src/main.js'],
      terminalEnv({ DATA_DIR: fresh, PORT: String(port) }),
    );
    started.push(app);
    try {
      // initdb runs for a second or more after this record
      for (let i = 0; i < 600 && !app.output().includes('initialising the embedded'); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(app.output()).toContain('initialising the embedded PostgreSQL cluster');
      app.signalGroup('SIGINT');
      await app.exitsCleanly();
      const output = app.output();
      expect(output).toContain('"msg":"stopping before start-up finished"');
      expect(output).toContain('"msg":"shutdown complete"');
      expect(output).not.toContain('Meridian started');
      expect(troubles(output)).toEqual([]);
      const postgres = postmasterPid(path.join(fresh, 'postgres'));
      expect(postgres === undefined || (await gone(postgres))).toBe(true);
    } finally {
      app.kill();
      await rm(fresh, { recursive: true, force: true });
    }
  }, 180_000);
});
