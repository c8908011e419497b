import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import type { CatalogFile, Dependency } from '../catalog/catalog.js';
import { fileKey, orderedFiles } from '../catalog/catalog.js';
import { splitSql } from '../catalog/sql-splitter.js';
import { DatabasesRepository } from '../databases/databases.repository.js';
import { DatabasesService } from '../databases/databases.service.js';
import { OrchestratorErrorCode as C } from '../orchestrator.errors.js';
import { HistoryKind, TargetMode, TargetStatus } from '../orchestrator.types.js';
import { driftOf, mapHistoryRow, replay } from '../target/history.js';
import {
  driverReason,
  ensureHistoryTable,
  HISTORY_TABLE,
  ident,
  isConnectionError,
  lockKeySql,
  openTarget,
} from '../target/target-client.js';
import { TargetInspector } from '../target/target-inspector.js';
import type { TargetDatabase } from '../target-database.entity.js';
import type { ExecutionTarget, TargetFile } from './execution-target.entity.js';
import type { Execution } from './execution.entity.js';
import { ExecutionsRepository } from './executions.repository.js';

/** A SQL error in one file: never retried. */
class FileFailure extends Error {
  constructor(
    readonly file: CatalogFile,
    readonly dbError: unknown,
    readonly position: number | null,
  ) {
    super(driverReason(dbError));
  }
}

interface Outcome {
  status: TargetStatus;
  code?: string;
  message?: string;
  failure?: FileFailure;
}

/**
 * The connection one lane holds: to its current target database, reused for the next
 * schema of the same database, closed when the lane moves to another database or ends
 * (or at once after a failure).
 */
export class LaneConnections {
  private readonly clients = new Map<string, pg.Client>();
  /** Registry rows read by this lane (a lane lasts one wave of one execution). */
  readonly databases = new Map<string, TargetDatabase | null>();

  async get(databaseId: string, open: () => Promise<pg.Client>): Promise<pg.Client> {
    let client = this.clients.get(databaseId);
    if (!client) {
      // at most one open connection per lane: the previous database's closes first
      await this.closeAll();
      client = await open();
      this.clients.set(databaseId, client);
    }
    return client;
  }

  async drop(databaseId: string): Promise<void> {
    const client = this.clients.get(databaseId);
    this.clients.delete(databaseId);
    await client?.end().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((id) => this.drop(id)));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lineOf(sql: string, position: number): number {
  return sql.slice(0, Math.max(0, position - 1)).split('\n').length;
}

/**
 * Migrates one target: connect, take the schema's advisory lock (bounded wait), check
 * checksums against the target's own history, then run each file in its own transaction
 * together with its history row. Files already in the history are skipped, so a target
 * picked up again after a crash resumes where it stopped.
 */
@Injectable()
export class TargetRunner {
  private readonly logger = new Logger('MigrationTarget');
  /** Dependencies found met, per execution (they stay met for its lifetime). */
  private readonly metDependencies = new Map<string, Set<string>>();

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly databases: DatabasesService,
    private readonly registry: DatabasesRepository,
    private readonly inspector: TargetInspector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    execution: Execution,
    target: ExecutionTarget,
    connections?: LaneConnections,
  ): Promise<void> {
    const own = connections ?? new LaneConnections();
    try {
      await this.runTarget(execution, target, own);
    } finally {
      if (!connections) await own.closeAll();
    }
  }

  private async runTarget(
    execution: Execution,
    target: ExecutionTarget,
    connections: LaneConnections,
  ): Promise<void> {
    const started = Date.now();
    if (!connections.databases.has(target.databaseId))
      connections.databases.set(target.databaseId, await this.registry.findById(target.databaseId));
    const db = connections.databases.get(target.databaseId) ?? null;
    let outcome: Outcome;
    let applied: TargetFile[] = [...target.applied];
    if (!db) {
      outcome = {
        status: TargetStatus.Skipped,
        code: C.DatabaseGone,
        message: 'The database was removed from the registry.',
      };
    } else {
      const { retryAttempts, retryBackoffMs } = this.config.orchestrator;
      for (let attempt = 0; ; attempt++) {
        try {
          outcome = await this.runOnce(
            execution,
            target,
            this.databases.connectionDetails(db),
            applied,
            (a) => (applied = a),
            connections,
          );
          break;
        } catch (err) {
          await connections.drop(target.databaseId);
          if (isConnectionError(err) && attempt < retryAttempts) {
            await sleep(retryBackoffMs * 2 ** attempt);
            continue;
          }
          outcome =
            isConnectionError(err) ||
            (err as { code?: string }).code?.startsWith('28') ||
            (err as { code?: string }).code === '3D000'
              ? {
                  status: TargetStatus.Unreachable,
                  code: C.DatabaseUnreachable,
                  message: driverReason(err),
                }
              : { status: TargetStatus.Failed, code: C.SqlError, message: driverReason(err) };
          break;
        }
      }
      const reachable = outcome.status !== TargetStatus.Unreachable;
      if (db.lastStatus !== (reachable ? 'reachable' : 'unreachable'))
        await this.registry.recordStatus(db.id, reachable);
    }
    const f = outcome.failure;
    const dbErr = f?.dbError as { code?: string } | undefined;
    await this.executions.finishTarget(target.id, {
      status: outcome.status,
      applied,
      durationMs: Date.now() - started,
      errorCode: outcome.code ?? null,
      errorMessage: outcome.message ?? null,
      failingFile: f ? `${f.file.type}/${f.file.fileName}` : null,
      errorPosition: f?.position ?? null,
      errorLine: f?.position ? lineOf(f.file.sql, f.position) : null,
      databaseErrorCode: dbErr?.code ?? null,
    });
    if (outcome.status !== TargetStatus.Completed && outcome.status !== TargetStatus.Skipped) {
      this.logger.warn(
        `execution ${execution.id}: ${target.databaseName}/${target.schemaName} ${outcome.status}: ${outcome.message ?? ''}`,
      );
    }
  }

  private async runOnce(
    execution: Execution,
    target: ExecutionTarget,
    details: ReturnType<DatabasesService['connectionDetails']>,
    applied: TargetFile[],
    setApplied: (a: TargetFile[]) => void,
    connections: LaneConnections,
  ): Promise<Outcome> {
    const cfg = this.config.orchestrator;
    const schema = target.schemaName;
    const client = await connections.get(target.databaseId, () =>
      openTarget(details, {
        connectTimeoutMs: cfg.connectTimeoutMs,
        statementTimeoutMs: cfg.statementTimeoutSeconds * 1000,
      }),
    );
    let locked = false;
    try {
      try {
        // Uncontended (the usual case): one round trip. Otherwise wait, bounded.
        const { rows: got } = await client.query<{ ok: boolean }>(
          `SELECT pg_try_advisory_lock(${lockKeySql('$1')}) AS ok`,
          [schema],
        );
        locked = got[0].ok;
        if (!locked && cfg.lockTimeoutMs > 0) {
          await client.query(`SET lock_timeout = ${cfg.lockTimeoutMs}`);
          try {
            await client.query(`SELECT pg_advisory_lock(${lockKeySql('$1')})`, [schema]);
            locked = true;
          } finally {
            await client.query('SET lock_timeout = 0');
          }
        }
        if (!locked) throw Object.assign(new Error('lock not available'), { code: '55P03' });
      } catch (err) {
        if ((err as { code?: string }).code === '55P03') {
          return {
            status: TargetStatus.Locked,
            code: C.TargetLocked,
            message: `Another migration held the lock on ${target.databaseName}/${schema} for more than ${cfg.lockTimeoutMs} ms.`,
          };
        }
        throw err;
      }
      await client.query(`SET search_path TO ${ident(schema)}`);
      let rows: Record<string, unknown>[];
      try {
        ({ rows } = await client.query<Record<string, unknown>>(
          `SELECT * FROM ${ident(schema)}.${HISTORY_TABLE} ORDER BY installed_rank`,
        ));
      } catch (err) {
        if ((err as { code?: string }).code !== '42P01') throw err;
        // No history table yet (or no schema): a first migration of this target.
        const { rows: ns } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [
          schema,
        ]);
        if (ns.length === 0) {
          if (
            target.tenantId !== null &&
            target.schemaName === target.tenantId &&
            target.mode === TargetMode.Apply
          ) {
            return {
              status: TargetStatus.Skipped,
              code: C.SchemaGone,
              message: `The schema ${schema} no longer exists.`,
            };
          }
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
        }
        await ensureHistoryTable(client, schema);
        rows = [];
      }
      const state = replay(rows.map(mapHistoryRow));
      const files = execution.catalog.files.filter((f) => f.type === target.databaseType);
      const byKey = new Map(files.map((f) => [fileKey(f.kind, f.version ?? f.description), f]));

      if (target.mode === TargetMode.Apply) {
        const drift = driftOf(state, orderedFiles(files, target.databaseType));
        if (drift.length > 0) {
          return {
            status: TargetStatus.Blocked,
            code: C.Drift,
            message: `Applied files changed since (versions ${drift.map((d) => d.version).join(', ')}): repair the target first.`,
          };
        }
      }
      for (const planned of target.planned) {
        const file = byKey.get(planned.key);
        if (!file) continue;
        if (target.mode === TargetMode.Apply) {
          if (file.kind === 'versioned' && state.applied.has(file.version!)) continue;
          if (
            file.kind === 'repeatable' &&
            state.repeatables.get(file.description) === file.checksum
          )
            continue;
          const unmet = await this.unmetDependency(execution.id, file.dependsOn);
          if (unmet) {
            return {
              status: TargetStatus.Blocked,
              code: C.DependencyUnmet,
              message: `${file.fileName} needs ${unmet.type}:${unmet.version} on every active ${unmet.type} database.`,
            };
          }
        } else if (!state.applied.has(file.version!)) continue;
        try {
          await this.apply(client, schema, file, execution);
        } catch (err) {
          if (err instanceof FileFailure) {
            return {
              status: TargetStatus.Failed,
              code: C.SqlError,
              message: `${file.fileName}: ${err.message}`,
              failure: err,
            };
          }
          throw err;
        }
        if (file.kind === 'versioned') state.applied.set(file.version!, file.checksum);
        if (file.kind === 'undo') state.applied.delete(file.version!);
        applied = [...applied, planned];
        setApplied(applied);
        // progress within a target with several files (the last one is written on finish)
        if (applied.length < target.planned.length)
          await this.executions.setApplied(target.id, applied);
      }
      return { status: TargetStatus.Completed };
    } finally {
      if (locked)
        await client
          .query(`SELECT pg_advisory_unlock(${lockKeySql('$1')})`, [schema])
          .catch(() => connections.drop(target.databaseId));
    }
  }

  /** Runs one file with its history row: one transaction, or statement by statement. */
  private async apply(
    client: pg.Client,
    schema: string,
    file: CatalogFile,
    execution: Execution,
  ): Promise<void> {
    const kind =
      file.kind === 'versioned'
        ? HistoryKind.Versioned
        : file.kind === 'undo'
          ? HistoryKind.Undo
          : HistoryKind.Repeatable;
    const lit = (v: string | null) => (v === null ? 'NULL' : client.escapeLiteral(v));
    // The same row as literals, so it can travel with the COMMIT in one round trip.
    const historySql = (success: boolean, ms: number) =>
      `INSERT INTO ${ident(schema)}.${HISTORY_TABLE}
         (version, description, kind, checksum, installed_by, execution_time_ms, success, execution_id)
       VALUES (${lit(file.version)}, ${lit(file.description)}, ${lit(kind)}, ${lit(file.checksum)},
               ${lit(execution.executedBy)}, ${Math.round(ms)}, ${success}, ${lit(execution.id)})`;
    const history = (success: boolean, ms: number) =>
      client.query(
        `INSERT INTO ${ident(schema)}.${HISTORY_TABLE}
           (version, description, kind, checksum, installed_by, execution_time_ms, success, execution_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          file.version,
          file.description,
          kind,
          file.checksum,
          execution.executedBy,
          ms,
          success,
          execution.id,
        ],
      );
    const started = Date.now();
    if (!file.noTransaction) {
      try {
        await client.query('BEGIN');
        await client.query(file.sql);
        await client.query(`${historySql(true, Date.now() - started)}; COMMIT`);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (isConnectionError(err)) throw err;
        await history(false, Date.now() - started).catch(() => undefined);
        const pos = Number((err as { position?: string }).position);
        throw new FileFailure(file, err, Number.isFinite(pos) && pos > 0 ? pos : null);
      }
      return;
    }
    for (const statement of splitSql(file.sql)) {
      try {
        await client.query(statement.sql);
      } catch (err) {
        if (isConnectionError(err)) throw err;
        await history(false, Date.now() - started).catch(() => undefined);
        const pos = Number((err as { position?: string }).position);
        throw new FileFailure(
          file,
          err,
          statement.offset + (Number.isFinite(pos) && pos > 0 ? pos : 1),
        );
      }
    }
    await history(true, Date.now() - started);
  }

  /** The first dependency not yet on every active database of its type, if any. */
  private async unmetDependency(
    executionId: string,
    deps: Dependency[],
  ): Promise<Dependency | undefined> {
    let met = this.metDependencies.get(executionId);
    if (!met) {
      met = new Set();
      this.metDependencies.set(executionId, met);
      if (this.metDependencies.size > 100)
        this.metDependencies.delete(this.metDependencies.keys().next().value!);
    }
    for (const dep of deps) {
      const key = `${dep.type}:${dep.version}`;
      if (met.has(key)) continue;
      const dbs = await this.registry.selectActive({ types: [dep.type] });
      if (dbs.length === 0) return dep;
      for (const d of dbs) {
        const seen = await this.inspector.inspect(this.databases.connectionDetails(d), d);
        if (!seen.reachable || seen.schemas.length === 0) return dep;
        if (!seen.schemas.every((s) => replay(s.history).applied.has(dep.version))) return dep;
      }
      met.add(key);
    }
    return undefined;
  }
}
