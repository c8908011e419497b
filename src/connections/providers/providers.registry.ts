import { Injectable } from '@nestjs/common';
import type { ConnectionService } from '../entities/service-connection.entity.js';
import { GitHubProvider } from './github/github.provider.js';
import type { ConnectionProvider } from './provider.js';
import { SlackProvider } from './slack/slack.provider.js';

/** The providers by service name: adding a service is one folder and one line here. */
@Injectable()
export class ProvidersRegistry {
  private readonly byService: Map<ConnectionService, ConnectionProvider>;

  constructor(github: GitHubProvider, slack: SlackProvider) {
    this.byService = new Map<ConnectionService, ConnectionProvider>(
      [github, slack].map((p) => [p.service, p]),
    );
  }

  get(service: ConnectionService): ConnectionProvider {
    const provider = this.byService.get(service);
    if (!provider) throw new Error(`no provider for service ${service}`);
    return provider;
  }
}
