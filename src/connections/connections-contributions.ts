import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createAppAuth } from '@octokit/auth-app';
import { DataSource } from 'typeorm';
import { Contributions } from '../core/contributions.js';
import type { ConnectionsConfig } from './connections.config.js';
import { CONNECTIONS_CONFIG } from './connections.tokens.js';
import { ConnectionStatus } from './entities/service-connection.entity.js';

/** Reads a JSON answer; a non-2xx status is the check's failure. */
async function answer(res: Response): Promise<Record<string, unknown>> {
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status}`);
  }
  return (await res.json()) as Record<string, unknown>;
}

/**
 * What the admin console shows about service connections: connections by status in the
 * statistics overview, a user's connections in their detail, and the GitHub and Slack
 * APIs in GET /health/detailed (each checked only when its App is configured).
 */
@Injectable()
export class ConnectionsContributions implements OnModuleInit {
  constructor(
    private readonly contributions: Contributions,
    private readonly dataSource: DataSource,
    @Inject(CONNECTIONS_CONFIG) private readonly config: ConnectionsConfig,
  ) {}

  onModuleInit(): void {
    this.contributions.addStats({ name: 'connections', figures: () => this.byStatus() });
    this.contributions.addUserFigure({
      name: 'connections',
      countForUser: async (userId) => {
        const [row] = await this.dataSource.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM service_connections WHERE created_by = $1',
          [userId],
        );
        return row?.n ?? 0;
      },
    });
    const { github, slack } = this.config;
    this.contributions.addDependencyCheck({
      name: 'github',
      configured: () => github.app !== undefined,
      check: (signal) => this.checkGitHubApp(signal),
    });
    this.contributions.addDependencyCheck({
      name: 'slack',
      configured: () => slack.clientId !== undefined,
      check: async (signal) => {
        const body = await answer(
          await fetch(`${slack.apiUrl}api.test`, { method: 'POST', signal }),
        );
        if (body.ok !== true)
          throw new Error(
            `Slack answered ${typeof body.error === 'string' ? body.error : 'not ok'}`,
          );
        return 'Slack Web API';
      },
    });
  }

  /** `total` and one figure per status (zero included, so the shape never changes). */
  private async byStatus(): Promise<Record<string, number>> {
    const rows = await this.dataSource.query<{ status: string; n: number }[]>(
      'SELECT status, count(*)::int AS n FROM service_connections GROUP BY status',
    );
    const figures: Record<string, number> = { total: 0 };
    for (const status of Object.values(ConnectionStatus)) figures[status] = 0;
    for (const { status, n } of rows) {
      figures[status] = n;
      figures.total += n;
    }
    return figures;
  }

  /** GET /app with an App JWT: the API answers and accepts the App's key. */
  private async checkGitHubApp(signal: AbortSignal): Promise<string> {
    const { apiUrl, app } = this.config.github;
    const { token } = await createAppAuth({ appId: app!.appId, privateKey: app!.privateKey })({
      type: 'app',
    });
    const body = await answer(
      await fetch(`${apiUrl}/app`, {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'user-agent': 'meridian',
        },
        signal,
      }),
    );
    return `GitHub App ${typeof body.slug === 'string' ? body.slug : app!.appId}`;
  }
}
