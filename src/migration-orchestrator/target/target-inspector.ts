import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { mapHistoryRow, type HistoryRow } from './history.js';
import {
  driverReason,
  HISTORY_TABLE,
  ident,
  lockKeySql,
  openTarget,
  type ConnectionDetails,
} from './target-client.js';

export interface LockHolder {
  pid: number;
  applicationName: string | null;
  since: Date | null;
}

export interface SchemaInspection {
  schema: string;
  /** Whether the schema exists (a fixed schema may not yet). */
  exists: boolean;
  history: HistoryRow[];
  lockHolder: LockHolder | null;
}

export interface DatabaseInspection {
  reachable: boolean;
  error: string | null;
  latencyMs: number | null;
  serverVersion: string | null;
  schemas: SchemaInspection[];
}

const CHUNK = 200;

/** Reads what a target database holds: its schemas, their history tables, who holds their locks. */
@Injectable()
export class TargetInspector {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private options() {
    return {
      connectTimeoutMs: this.config.orchestrator.connectTimeoutMs,
      statementTimeoutMs: 30_000,
      applicationName: 'meridian-inspector',
    };
  }

  /** Connects, runs one query, closes: the connection test. */
  async test(
    details: ConnectionDetails,
  ): Promise<
    { ok: true; latencyMs: number; serverVersion: string } | { ok: false; error: string }
  > {
    const started = performance.now();
    let client: pg.Client | undefined;
    try {
      client = await openTarget(details, this.options());
      const { rows } = await client.query<{ v: string }>(
        `SELECT current_setting('server_version') AS v`,
      );
      return {
        ok: true,
        latencyMs: Math.round(performance.now() - started),
        serverVersion: rows[0].v,
      };
    } catch (err) {
      return { ok: false, error: driverReason(err) };
    } finally {
      await client?.end().catch(() => undefined);
    }
  }

  /**
   * The schemas of one database: the fixed one, or those matching the pattern (each a
   * tenant), narrowed to `only` when given, with their history and lock holders.
   */
  async inspect(
    details: ConnectionDetails,
    layout: { schemaName: string | null; schemaPattern: string | null },
    only?: string[],
  ): Promise<DatabaseInspection> {
    const started = performance.now();
    let client: pg.Client | undefined;
    try {
      client = await openTarget(details, this.options());
      const latencyMs = Math.round(performance.now() - started);
      const { rows: version } = await client.query<{ v: string }>(
        `SELECT current_setting('server_version') AS v`,
      );
      let names: string[];
      let existing: Set<string>;
      if (layout.schemaPattern) {
        const { rows } = await client.query<{ nspname: string }>(
          `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY nspname`,
          [layout.schemaPattern],
        );
        names = rows.map((r) => r.nspname);
        if (only) names = names.filter((n) => only.includes(n));
        existing = new Set(names);
      } else {
        names = [layout.schemaName ?? 'public'];
        const { rows } = await client.query<{ nspname: string }>(
          `SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)`,
          [names],
        );
        existing = new Set(rows.map((r) => r.nspname));
      }
      const history = await this.readHistory(
        client,
        names.filter((n) => existing.has(n)),
      );
      const locks = await this.lockHolders(client, names);
      return {
        reachable: true,
        error: null,
        latencyMs,
        serverVersion: version[0].v,
        schemas: names.map((schema) => ({
          schema,
          exists: existing.has(schema),
          history: history.get(schema) ?? [],
          lockHolder: locks.get(schema) ?? null,
        })),
      };
    } catch (err) {
      return {
        reachable: false,
        error: driverReason(err),
        latencyMs: null,
        serverVersion: null,
        schemas: [],
      };
    } finally {
      await client?.end().catch(() => undefined);
    }
  }

  private async readHistory(
    client: pg.Client,
    schemas: string[],
  ): Promise<Map<string, HistoryRow[]>> {
    const out = new Map<string, HistoryRow[]>();
    if (schemas.length === 0) return out;
    const { rows: withTable } = await client.query<{ nspname: string }>(
      `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND c.relkind = 'r' AND n.nspname = ANY($2)`,
      [HISTORY_TABLE, schemas],
    );
    const names = withTable.map((r) => r.nspname);
    for (let i = 0; i < names.length; i += CHUNK) {
      const chunk = names.slice(i, i + CHUNK);
      const sql = chunk
        .map(
          (s, j) =>
            `SELECT $${j + 1}::text AS schema, installed_rank, version, description, kind, checksum,
                    installed_by, installed_at, execution_time_ms, success, execution_id
               FROM ${ident(s)}.${HISTORY_TABLE}`,
        )
        .join(' UNION ALL ');
      const { rows } = await client.query<Record<string, unknown>>(
        `${sql} ORDER BY schema, installed_rank`,
        chunk,
      );
      for (const r of rows) {
        const schema = r.schema as string;
        out.set(schema, [...(out.get(schema) ?? []), mapHistoryRow(r)]);
      }
    }
    return out;
  }

  private async lockHolders(
    client: pg.Client,
    schemas: string[],
  ): Promise<Map<string, LockHolder>> {
    const out = new Map<string, LockHolder>();
    if (schemas.length === 0) return out;
    const { rows } = await client.query<{
      schema: string;
      pid: number;
      application_name: string | null;
      xact_start: Date | null;
      backend_start: Date | null;
    }>(
      `SELECT k.schema, l.pid, a.application_name, a.backend_start, a.xact_start
         FROM unnest($1::text[]) AS k(schema)
         JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = ${lockKeySql('k.schema')}
         LEFT JOIN pg_stat_activity a ON a.pid = l.pid`,
      [schemas],
    );
    for (const r of rows) {
      out.set(r.schema, {
        pid: r.pid,
        applicationName: r.application_name,
        since: r.backend_start,
      });
    }
    return out;
  }
}
