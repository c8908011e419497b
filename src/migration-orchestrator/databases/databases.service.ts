import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { SecretCipher } from '../../core/crypto/secret-cipher.js';
import { decodeCursor, toPage, type PageDto } from '../../core/pagination/page.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type {
  ConnectionTestDto,
  CreateDatabaseDto,
  DatabaseDto,
  DatabaseHealthDto,
  ListDatabasesQueryDto,
  RepairResultDto,
  UpdateDatabaseDto,
} from '../dto/database.dto.js';
import {
  databaseNameTaken,
  databaseNotFound,
  databaseUnreachable,
  schemaChoice,
} from '../orchestrator.errors.js';
import { HistoryKind, TlsMode } from '../orchestrator.types.js';
import { TargetDatabase } from '../target-database.entity.js';
import { driftOf, pendingOf, replay } from '../target/history.js';
import {
  ensureHistoryTable,
  HISTORY_TABLE,
  ident,
  openTarget,
  type ConnectionDetails,
} from '../target/target-client.js';
import { TargetInspector } from '../target/target-inspector.js';
import { DatabasesRepository } from './databases.repository.js';

export const passwordAad = (id: string) => `orchestrator-database:${id}`;

export function toDatabaseDto(d: TargetDatabase): DatabaseDto {
  return {
    id: d.id,
    name: d.name,
    type: d.type,
    region: d.region,
    tenantId: d.tenantId,
    host: d.host,
    port: d.port,
    database: d.database,
    user: d.username,
    hasPassword: d.passwordEncrypted !== null,
    tlsMode: d.tlsMode,
    tags: d.tags,
    active: d.active,
    schema: d.schemaName,
    schemaPattern: d.schemaPattern,
    lastStatus: d.lastStatus,
    lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

const CONNECTION_FIELDS = ['host', 'port', 'database', 'user', 'password', 'tlsMode'] as const;

/** The registry of target databases: CRUD, connection tests, health, repairs. */
@Injectable()
export class DatabasesService {
  private readonly logger = new Logger('MigrationDatabases');

  constructor(
    private readonly repo: DatabasesRepository,
    private readonly cipher: SecretCipher,
    private readonly inspector: TargetInspector,
    private readonly catalog: CatalogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Connection details with the password decrypted (for a connection only, never returned). */
  connectionDetails(d: TargetDatabase): ConnectionDetails {
    return {
      host: d.host,
      port: d.port,
      database: d.database,
      username: d.username,
      password: d.passwordEncrypted
        ? this.cipher.decrypt(d.passwordEncrypted, passwordAad(d.id))
        : null,
      tlsMode: d.tlsMode,
    };
  }

  async require(id: string): Promise<TargetDatabase> {
    const d = await this.repo.findById(id);
    if (!d) throw databaseNotFound();
    return d;
  }

  private layout(schema: string | undefined | null, pattern: string | undefined | null) {
    if (schema && pattern) throw schemaChoice('Give either schema or schemaPattern, not both.');
    if (pattern && !pattern.includes('%'))
      throw schemaChoice('schemaPattern needs a % wildcard (use schema for one fixed schema).');
    return { schemaName: pattern ? null : (schema ?? 'public'), schemaPattern: pattern ?? null };
  }

  async create(body: CreateDatabaseDto): Promise<DatabaseDto> {
    const layout = this.layout(body.schema, body.schemaPattern);
    if (await this.repo.nameTaken(body.name)) throw databaseNameTaken(body.name);
    const details: ConnectionDetails = {
      host: body.host,
      port: body.port ?? 5432,
      database: body.database,
      username: body.user,
      password: body.password ?? null,
      tlsMode: body.tlsMode ?? TlsMode.Disable,
    };
    const test = await this.inspector.test(details);
    if (!test.ok) throw databaseUnreachable(test.error);
    const id = randomUUID();
    const row = Object.assign(new TargetDatabase(), {
      id,
      name: body.name,
      type: body.type,
      region: body.region ?? null,
      tenantId: body.tenantId ?? null,
      host: details.host,
      port: details.port,
      database: details.database,
      username: details.username,
      passwordEncrypted: body.password ? this.cipher.encrypt(body.password, passwordAad(id)) : null,
      tlsMode: details.tlsMode,
      tags: body.tags ?? [],
      active: body.active ?? true,
      ...layout,
      lastStatus: 'reachable',
      lastCheckedAt: new Date(),
      deletedAt: null,
    });
    try {
      const saved = await this.repo.insert(row);
      this.logger.log(`registered target database ${saved.id} (${saved.type})`);
      return toDatabaseDto(saved);
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505')
        throw databaseNameTaken(body.name);
      throw err;
    }
  }

  async get(id: string): Promise<DatabaseDto> {
    return toDatabaseDto(await this.require(id));
  }

  async list(query: ListDatabasesQueryDto): Promise<PageDto<DatabaseDto>> {
    const limit = query.limit ?? 20;
    let after: { name: string; id: string } | undefined;
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor, 2);
      after = { name: String(name), id: String(id) };
    }
    const rows = await this.repo.listPage(
      { type: query.type, region: query.region, tenantId: query.tenantId, active: query.active },
      after,
      limit + 1,
    );
    return toPage(rows, limit, toDatabaseDto, (r) => [r.name, r.id]);
  }

  async update(id: string, body: UpdateDatabaseDto): Promise<DatabaseDto> {
    const current = await this.require(id);
    if (body.name && body.name !== current.name && (await this.repo.nameTaken(body.name, id)))
      throw databaseNameTaken(body.name);
    const patch: Partial<TargetDatabase> = {};
    if (body.schema !== undefined || body.schemaPattern !== undefined) {
      Object.assign(
        patch,
        this.layout(
          body.schema ?? (body.schemaPattern ? null : current.schemaName),
          body.schemaPattern ?? (body.schema ? null : current.schemaPattern),
        ),
      );
    }
    if (CONNECTION_FIELDS.some((f) => body[f] !== undefined)) {
      const details: ConnectionDetails = {
        ...this.connectionDetails(current),
        ...(body.host !== undefined && { host: body.host }),
        ...(body.port !== undefined && { port: body.port }),
        ...(body.database !== undefined && { database: body.database }),
        ...(body.user !== undefined && { username: body.user }),
        ...(body.password !== undefined && { password: body.password }),
        ...(body.tlsMode !== undefined && { tlsMode: body.tlsMode }),
      };
      const test = await this.inspector.test(details);
      if (!test.ok) throw databaseUnreachable(test.error);
      Object.assign(patch, {
        host: details.host,
        port: details.port,
        database: details.database,
        username: details.username,
        tlsMode: details.tlsMode,
        lastStatus: 'reachable',
        lastCheckedAt: new Date(),
      });
      if (body.password !== undefined)
        patch.passwordEncrypted = this.cipher.encrypt(body.password, passwordAad(id));
    }
    if (body.name !== undefined) patch.name = body.name;
    if (body.region !== undefined) patch.region = body.region;
    if (body.tenantId !== undefined) patch.tenantId = body.tenantId;
    if (body.tags !== undefined) patch.tags = body.tags;
    if (body.active !== undefined) patch.active = body.active;
    if (Object.keys(patch).length === 0) return toDatabaseDto(current);
    try {
      return toDatabaseDto(await this.repo.update(id, patch));
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505')
        throw databaseNameTaken(body.name ?? current.name);
      throw err;
    }
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repo.softDelete(id))) throw databaseNotFound();
  }

  async test(id: string): Promise<ConnectionTestDto> {
    const d = await this.require(id);
    const result = await this.inspector.test(this.connectionDetails(d));
    await this.repo.recordStatus(id, result.ok);
    return result.ok
      ? {
          reachable: true,
          latencyMs: result.latencyMs,
          serverVersion: result.serverVersion,
          error: null,
        }
      : { reachable: false, latencyMs: null, serverVersion: null, error: result.error };
  }

  async health(id: string): Promise<DatabaseHealthDto> {
    const d = await this.require(id);
    const seen = await this.inspector.inspect(this.connectionDetails(d), d);
    await this.repo.recordStatus(id, seen.reachable);
    const ordered = this.catalog.ordered(d.type);
    return {
      databaseId: d.id,
      reachable: seen.reachable,
      latencyMs: seen.latencyMs,
      serverVersion: seen.serverVersion,
      error: seen.error,
      schemas: seen.schemas.map((s) => {
        const state = replay(s.history);
        return {
          schema: s.schema,
          exists: s.exists,
          currentVersion: state.currentVersion,
          pendingCount: pendingOf(state, ordered).length,
          driftCount: driftOf(state, ordered).length,
        };
      }),
    };
  }

  /**
   * Accepts the catalog's current checksums for drifted versions, recording each repair
   * (who, when, which versions) as a `repair` row in the target's own history table.
   */
  async repair(id: string, schema: string | undefined, by: string): Promise<RepairResultDto> {
    const d = await this.require(id);
    const details = this.connectionDetails(d);
    const seen = await this.inspector.inspect(details, d, schema ? [schema] : undefined);
    if (!seen.reachable) throw databaseUnreachable(seen.error ?? 'unreachable');
    const files = this.catalog.ordered(d.type);
    const repaired: { schema: string; versions: string[] }[] = [];
    for (const s of seen.schemas.filter((x) => x.exists)) {
      const drift = driftOf(replay(s.history), files);
      if (drift.length === 0) continue;
      const client = await openTarget(details, {
        connectTimeoutMs: this.config.orchestrator.connectTimeoutMs,
        statementTimeoutMs: 30_000,
      });
      try {
        await ensureHistoryTable(client, s.schema);
        await client.query('BEGIN');
        for (const item of drift) {
          await client.query(
            `INSERT INTO ${ident(s.schema)}.${HISTORY_TABLE}
               (version, description, kind, checksum, installed_by, execution_time_ms, success)
             VALUES ($1, $2, $3, $4, $5, 0, true)`,
            [
              item.version,
              `repair: checksum ${item.appliedChecksum?.slice(0, 12) ?? 'none'} -> ${item.catalogChecksum.slice(0, 12)}`,
              HistoryKind.Repair,
              item.catalogChecksum,
              by,
            ],
          );
        }
        await client.query('COMMIT');
      } finally {
        await client.end().catch(() => undefined);
      }
      repaired.push({ schema: s.schema, versions: drift.map((x) => x.version) });
    }
    this.logger.log(
      `repair on target database ${id} by ${by}: ${repaired.map((r) => `${r.schema} [${r.versions.join(', ')}]`).join('; ') || 'nothing to repair'}`,
    );
    return { databaseId: id, repaired };
  }
}
