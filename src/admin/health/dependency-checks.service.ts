import { Inject, Injectable } from '@nestjs/common';
import { connect } from 'node:net';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { Contributions, type DependencyCheck } from '../../core/contributions.js';
import { DATABASE_RUNTIME } from '../../database/database.module.js';
import type { DatabaseRuntime } from '../../database/database-runtime.js';
import { QUEUE_CONNECTION } from '../../queue/queue.module.js';
import type { QueueConnection } from '../../queue/queue-connection.js';
import { QueueProducer } from '../../queue/queue-producer.service.js';
import { QueueName } from '../../queue/queue.constants.js';
import type { DetailedHealthDto, ServiceHealthDto } from './dto/health-details.dto.js';

interface NamedCheck extends DependencyCheck {
  critical: boolean;
}

/** An HTTP GET that resolves with a detail when the answer is not a server error. */
async function httpCheck(
  url: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(url, { headers, signal, redirect: 'manual' });
  await res.body?.cancel();
  if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return `HTTP ${res.status}`;
}

/** Opens (and closes) a TCP connection and waits for the server's first line. */
function smtpCheck(url: string, signal: AbortSignal): Promise<string> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: parsed.hostname, port });
    const done = (err?: Error, detail?: string) => {
      socket.destroy();
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(detail ?? 'connected');
    };
    const onAbort = () => done(new Error('timed out'));
    signal.addEventListener('abort', onAbort);
    socket.once('error', (err) => done(err));
    socket.once('data', (data: Buffer) => {
      const line = data.toString('utf8').split('\r\n')[0];
      if (parsed.protocol === 'smtps:') return done(undefined, 'TLS port answers');
      if (line.startsWith('220')) done(undefined, 'greeting 220');
      else done(new Error(`unexpected greeting ${line.slice(0, 3)}`));
    });
    if (parsed.protocol === 'smtps:')
      socket.once('connect', () => done(undefined, 'TLS port open'));
  });
}

/** Why a check failed, in a few words: never a URL with credentials or a stack. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  const text = typeof cause === 'string' ? `${message} (${cause})` : message;
  return text.replace(/\/\/[^@/\s]*@/g, '//').slice(0, 200);
}

/**
 * Every dependency Meridian is configured with, checked in parallel, each within
 * HEALTH_CHECK_TIMEOUT_MS: the built-in ones here, and those features register
 * (Contributions.addDependencyCheck: GitHub, Slack, migration targets).
 */
@Injectable()
export class DependencyChecks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: QueueProducer,
    private readonly contributions: Contributions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_RUNTIME) private readonly database: DatabaseRuntime,
    @Inject(QUEUE_CONNECTION) private readonly queue: QueueConnection,
  ) {}

  private checks(): NamedCheck[] {
    const { mail, chat, auth } = this.config;
    const builtIn: NamedCheck[] = [
      {
        name: 'database',
        critical: true,
        configured: () => true,
        check: async () => {
          await this.dataSource.query('SELECT 1');
          return this.database.mode === 'embedded' ? 'embedded PostgreSQL' : 'external PostgreSQL';
        },
      },
      {
        name: 'queue',
        critical: true,
        configured: () => true,
        check: async () => {
          await this.producer.queue(QueueName.Maintenance).getJobCountByTypes('waiting');
          return this.queue.kind === 'redis' ? 'BullMQ on Redis' : 'BullMQ on PostgreSQL';
        },
      },
      {
        name: 'smtp',
        critical: false,
        configured: () => mail.smtpUrl !== undefined,
        check: (signal) => smtpCheck(mail.smtpUrl!, signal),
      },
      {
        name: 'llm',
        critical: false,
        configured: () => chat.llm !== undefined,
        check: (signal) =>
          httpCheck(
            `${chat.llm!.baseUrl}/models`,
            signal,
            chat.llm!.apiKey ? { authorization: `Bearer ${chat.llm!.apiKey}` } : {},
          ),
      },
      {
        name: 'oidc',
        critical: false,
        configured: () => auth.oidcIssuer !== undefined,
        check: (signal) => httpCheck(`${auth.oidcIssuer}/.well-known/openid-configuration`, signal),
      },
    ];
    const contributed = this.contributions
      .dependencyChecks()
      .filter((c) => !builtIn.some((b) => b.name === c.name))
      .map((c) => ({ ...c, critical: false }));
    return [...builtIn, ...contributed];
  }

  names(): string[] {
    return this.checks().map((c) => c.name);
  }

  async one(name: string): Promise<ServiceHealthDto | undefined> {
    const check = this.checks().find((c) => c.name === name);
    return check ? this.run(check) : undefined;
  }

  async all(): Promise<DetailedHealthDto> {
    const services = await Promise.all(this.checks().map((c) => this.run(c)));
    const down = services.filter((s) => s.status === 'down');
    return {
      status: down.some((s) => s.critical) ? 'unhealthy' : down.length > 0 ? 'degraded' : 'healthy',
      checkedAt: new Date().toISOString(),
      services,
      summary: {
        total: services.length,
        up: services.filter((s) => s.status === 'up').length,
        down: down.length,
        unconfigured: services.filter((s) => s.status === 'unconfigured').length,
      },
    };
  }

  private async run(check: NamedCheck): Promise<ServiceHealthDto> {
    const base = { name: check.name, critical: check.critical };
    if (!check.configured()) {
      return {
        ...base,
        status: 'unconfigured',
        latencyMs: null,
        detail: 'not configured',
        checkedAt: new Date().toISOString(),
      };
    }
    const timeoutMs = this.config.health.checkTimeoutMs;
    const controller = new AbortController();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const detail = await Promise.race([
        check.check(controller.signal),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`no answer within ${timeoutMs} ms`));
          }, timeoutMs);
        }),
      ]);
      return {
        ...base,
        status: 'up',
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        detail: detail ?? null,
        checkedAt: new Date().toISOString(),
      };
    } catch (err) {
      return {
        ...base,
        status: 'down',
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        // a reason, never a URL with credentials or a stack
        detail: reason(err),
        checkedAt: new Date().toISOString(),
      };
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}
