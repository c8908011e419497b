import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import { AgentProvider } from './agent.entity.js';
import { agentInUse, agentNotFound, agentSlugTaken } from './agents.errors.js';
import { agentCursorKey, parseAgentCursor, toAdminAgentDto } from './agents.mapper.js';
import {
  AgentsRepository,
  isForeignKeyViolation,
  isUniqueViolation,
  type AgentFields,
} from './agents.repository.js';
import type { AdminAgentDto, CreateAgentDto, UpdateAgentDto } from './dto/agent.dto.js';

/** The agent registry as administrators manage it: every agent, enabled or not. */
@Injectable()
export class AgentsAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly agents: AgentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every agent by slug, disabled ones included. */
  async listAll(
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<AdminAgentDto>> {
    const rows = await this.agents.listAll(parseAgentCursor(cursor), limit);
    return toPage(rows, limit, toAdminAgentDto, agentCursorKey);
  }

  /** 409 AGENT_SLUG_TAKEN when another agent has the slug. */
  async create(input: CreateAgentDto): Promise<AdminAgentDto> {
    const fields: AgentFields = {
      slug: input.slug,
      name: input.name,
      description: input.description ?? '',
      provider:
        input.provider ?? (this.config.chat.llm ? AgentProvider.OpenAi : AgentProvider.Local),
      model: input.model ?? null,
      systemPrompt: input.systemPrompt,
      temperature: input.temperature ?? null,
      maxTokens: input.maxTokens ?? null,
      premium: input.premium ?? false,
      enabled: input.enabled ?? true,
    };
    const agent = await this.withSlug(fields.slug, () => this.agents.insert(fields));
    return toAdminAgentDto(agent);
  }

  /** Absent fields stay; null resets model, temperature or maxTokens to the default. */
  async update(id: string, input: UpdateAgentDto): Promise<AdminAgentDto> {
    const fields = Object.fromEntries(
      Object.entries(input).filter(([, value]) => value !== undefined),
    ) as Partial<AgentFields>;
    const agent = await this.withSlug(input.slug, () => this.agents.update(id, fields));
    if (!agent) throw agentNotFound();
    return toAdminAgentDto(agent);
  }

  /** A disabled agent disappears from users' listings and cannot be used for chat. */
  async setEnabled(id: string, enabled: boolean): Promise<AdminAgentDto> {
    const agent = await this.agents.update(id, { enabled });
    if (!agent) throw agentNotFound();
    return toAdminAgentDto(agent);
  }

  /**
   * Deletes the agent with its grants and usage; 409 AGENT_IN_USE while conversations
   * refer to it (disable it instead). Under the agent's row lock, and a conversation
   * created meanwhile trips its foreign key, which is reported the same way.
   */
  async delete(id: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        if (!(await this.agents.lock(id, manager))) throw agentNotFound();
        if (await this.agents.hasConversations(id, manager)) throw agentInUse();
        await this.agents.delete(id, manager);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw agentInUse();
      throw error;
    }
  }

  private async withSlug<T>(slug: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (slug !== undefined && isUniqueViolation(error)) throw agentSlugTaken(slug);
      throw error;
    }
  }
}
