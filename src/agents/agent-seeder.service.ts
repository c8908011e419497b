import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AgentProvider } from './agent.entity.js';
import { AgentsRepository } from './agents.repository.js';

/** Arbitrary constant naming the agents seed among the server's advisory locks. */
const SEED_LOCK = 7_312_004_230;

/**
 * First start: the agents of AGENTS_SEED (config.chat.agentsSeed). Only while the table is
 * empty, so agents administrators changed or deleted stay so; under an advisory lock, so
 * replicas starting together seed once.
 */
@Injectable()
export class AgentSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Agents');

  constructor(
    private readonly dataSource: DataSource,
    private readonly agents: AgentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed();
  }

  /** Inserts the configured agents when there are none; true when it did. */
  async seed(): Promise<boolean> {
    const seeds = this.config.chat.agentsSeed;
    if (seeds.length === 0) return false;
    const seeded = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      if (!(await this.agents.isEmpty(manager))) return false;
      for (const seed of seeds) {
        await this.agents.insert(
          {
            slug: seed.slug,
            name: seed.name,
            description: seed.description,
            provider: seed.provider === 'openai' ? AgentProvider.OpenAi : AgentProvider.Local,
            model: seed.model ?? null,
            systemPrompt: seed.systemPrompt,
            temperature: seed.temperature ?? null,
            maxTokens: seed.maxTokens ?? null,
            premium: seed.premium ?? false,
            enabled: true,
          },
          manager,
        );
      }
      return true;
    });
    if (seeded) this.logger.log(`seeded agents: ${seeds.map((s) => s.slug).join(', ')}`);
    return seeded;
  }
}
