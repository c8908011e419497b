import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestApp, type TestApp } from '../setup/test-app.js';

describe('health probes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness without touching dependencies', async () => {
    const res = await t.request('/health/live');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { status: string; uptimeSeconds: number };
    expect(body.status).toBe('ok');
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('reports database, migrations and queue up when ready', async () => {
    const res = await t.request('/health/ready');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, { status: string }> };
    expect(Object.keys(body.checks).sort()).toEqual([
      'database',
      'migrations',
      'queue',
      'shutdown',
    ]);
    for (const check of Object.values(body.checks)) expect(check.status).toBe('up');
  });

  it('turns readiness 503 naming the migrations indicator when a migration is not applied', async () => {
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    const { rows } = await client.query<{ name: string; timestamp: string }>(
      'SELECT name, timestamp FROM schema_migrations ORDER BY id DESC LIMIT 1',
    );
    const last = rows[0];
    await client.query('DELETE FROM schema_migrations WHERE name = $1', [last.name]);
    try {
      // the runner caches a positive answer for 30 s; a fresh app asks again
      const fresh = await import('../setup/test-app.js').then((m) =>
        m.startTestApp({ MIGRATIONS_RUN: 'false' }),
      );
      const c2 = new pg.Client({ connectionString: fresh.database.url });
      await c2.connect();
      await c2.query('DELETE FROM schema_migrations');
      await c2.end();
      const res = await fresh.request('/health/ready');
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = (await res.json()) as {
        code: string;
        detail: string;
        checks: Record<string, { status: string }>;
      };
      expect(body.code).toBe('NOT_READY');
      expect(body.detail).toContain('migrations');
      expect(body.checks.migrations?.status).toBe('down');
      expect(body.checks.database?.status).toBe('up');
      await fresh.close();
    } finally {
      await client.query('INSERT INTO schema_migrations (timestamp, name) VALUES ($1, $2)', [
        last.timestamp,
        last.name,
      ]);
      await client.end();
    }
  });

  it('serves Prometheus metrics with HTTP durations by route template and queue depth', async () => {
    await t.request('/health/live');
    await t.request('/no/such/route');
    const res = await t.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*method="GET"[^}]*route="\/health\/live"[^}]*status="200"/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*status="404"/,
    );
    expect(text).toMatch(/queue_jobs\{[^}]*queue="maintenance"[^}]*state="waiting"/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_resident_memory_bytes');
  });
});
