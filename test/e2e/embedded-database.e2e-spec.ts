import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

const logger = pino({ level: 'silent' });

describe('embedded PostgreSQL', () => {
  it('keeps data written before a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'meridian-embedded-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir, port: 0, logger });
      const c1 = new pg.Client({ connectionString: `${first.url}/meridian` });
      await c1.connect();
      await c1.query('CREATE TABLE kept (v text)');
      await c1.query(`INSERT INTO kept VALUES ('before restart')`);
      await c1.end();
      await first.stop();

      const second = await startEmbeddedPostgres({ dataDir, port: 0, logger });
      const c2 = new pg.Client({ connectionString: `${second.url}/meridian` });
      await c2.connect();
      const { rows } = await c2.query<{ v: string }>('SELECT v FROM kept');
      await c2.end();
      await second.stop();
      expect(rows).toEqual([{ v: 'before restart' }]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second instance on the same DATA_DIR with a clear message', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'meridian-embedded-'));
    const other = spawn('sleep', ['30']);
    try {
      await writeFile(path.join(dataDir, 'meridian.lock'), String(other.pid));
      await expect(startEmbeddedPostgres({ dataDir, port: 0, logger })).rejects.toThrow(
        new RegExp(`Another Meridian \\(pid ${other.pid}\\) is already using DATA_DIR=`),
      );
    } finally {
      other.kill();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'meridian-embedded-'));
    try {
      await writeFile(path.join(dataDir, 'meridian.lock'), '999999');
      const server = await startEmbeddedPostgres({ dataDir, port: 0, logger });
      await server.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
