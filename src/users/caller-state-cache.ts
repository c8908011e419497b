import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG } from '../config/config.module.js';
import { AppRole, type AppConfig } from '../config/app-config.js';
import { DATABASE_RUNTIME } from '../database/database.module.js';
import type { DatabaseRuntime } from '../database/database-runtime.js';
import type { CallerState } from './users.repository.js';

/** Channel the database notifies (with a user id) when a caller's access changes. */
export const IDENTITY_CHANNEL = 'meridian_identity';
/** A cached caller state is re-read at least this often, notification or not. */
export const CALLER_STATE_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;
const RECONNECT_MS = 1_000;
/** A write that never commits (rolled back) stops bypassing the cache after this. */
const PENDING_MAX_MS = 10_000;

interface Entry {
  state: CallerState;
  expiresAt: number;
}

/**
 * The guard's per-request identity lookup, cached per (issuer, subject, session) for a few
 * seconds, so an authenticated request needs no database round trip for identity.
 *
 * Correctness rests on PostgreSQL: triggers on users and auth_sessions NOTIFY this
 * channel with the user id at commit (disable, role change, logout, password change,
 * deletion), and every replica LISTENs and drops that user's entries at once. A load that
 * overlaps any notification is not stored (it may have read the old row). While the
 * listening connection is down nothing is cached and every request reads the database, so
 * a missed notification can never leave stale access behind.
 */
@Injectable()
export class CallerStateCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Auth');
  private readonly entries = new Map<string, Entry>();
  private readonly keysByUser = new Map<string, Set<string>>();
  private generation = 0;
  /** Users whose change this replica is writing: served from the database until notified. */
  private readonly pending = new Map<string, number>();
  private client?: pg.Client;
  private listening = false;
  private closed = false;
  private reconnect?: NodeJS.Timeout;

  constructor(
    @Inject(DATABASE_RUNTIME) private readonly database: DatabaseRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True while notifications arrive, i.e. while entries may be served. */
  get active(): boolean {
    return this.listening;
  }

  async onModuleInit(): Promise<void> {
    // A worker serves no authenticated routes: it needs no listening connection.
    if (this.config.role !== AppRole.Worker) await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    this.stopServing();
    await this.client?.end().catch(() => undefined);
  }

  async get(key: string, load: () => Promise<CallerState | null>): Promise<CallerState | null> {
    if (!this.listening) return load();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > Date.now() && !this.isPending(hit.state.id)) return hit.state;
    const generation = this.generation;
    const state = await load();
    if (state && this.listening && generation === this.generation && !this.isPending(state.id)) {
      this.store(key, state);
    }
    return state;
  }

  /**
   * Called by this replica's own writes to a user's access (before or inside their
   * transaction): until the database's notification of the committed change arrives, the
   * user's state is read from the database on every request, so the change takes effect
   * here the moment it commits. Other replicas learn of it from the notification.
   */
  changing(userId: string): void {
    this.forgetUser(userId);
    this.pending.set(userId, Date.now() + PENDING_MAX_MS);
  }

  private isPending(userId: string): boolean {
    const until = this.pending.get(userId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.pending.delete(userId);
    return false;
  }

  private forgetUser(userId: string): void {
    this.generation++;
    for (const key of this.keysByUser.get(userId) ?? []) this.entries.delete(key);
    this.keysByUser.delete(userId);
  }

  private store(key: string, state: CallerState): void {
    if (this.entries.size >= MAX_ENTRIES) this.evictOldest();
    this.entries.set(key, { state, expiresAt: Date.now() + CALLER_STATE_TTL_MS });
    let keys = this.keysByUser.get(state.id);
    if (!keys) this.keysByUser.set(state.id, (keys = new Set()));
    keys.add(key);
  }

  private evictOldest(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now || this.entries.size >= MAX_ENTRIES) {
        this.entries.delete(key);
        this.keysByUser.get(entry.state.id)?.delete(key);
      } else break;
    }
  }

  private stopServing(): void {
    this.listening = false;
    this.generation++;
    this.entries.clear();
    this.keysByUser.clear();
    this.pending.clear();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.database.url,
      application_name: 'meridian-identity-listener',
      connectionTimeoutMillis: 5_000,
    });
    const retry = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      const wasListening = this.listening;
      this.stopServing();
      void client.end().catch(() => undefined);
      if (this.closed) return;
      if (wasListening) {
        this.logger.warn(`identity notifications interrupted (${reason}); caching paused`);
      }
      this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS);
      this.reconnect.unref();
    };
    this.client = client;
    client.on('error', (err: Error) => retry(err.message));
    client.on('end', () => retry('connection ended'));
    client.on('notification', (message) => {
      if (message.channel !== IDENTITY_CHANNEL || !message.payload) return;
      this.forgetUser(message.payload);
      this.pending.delete(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${IDENTITY_CHANNEL}`);
      if (this.client !== client || this.closed) return;
      this.generation++;
      this.listening = true;
    } catch (err) {
      retry(err instanceof Error ? err.message : String(err));
    }
  }
}
