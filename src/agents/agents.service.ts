import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import { accessDenial } from './agent-access.js';
import { Agent, type AgentProvider } from './agent.entity.js';
import { agentDisabled, agentNotFound, agentPremiumRequired } from './agents.errors.js';
import { parseAgentCursor, resolveModel, toAgentDto } from './agents.mapper.js';
import { AgentsRepository, type AgentForUser } from './agents.repository.js';
import type { AgentDto } from './dto/agent.dto.js';

/** What the chat needs to run an agent for a caller who may use it. */
export interface UsableAgent {
  id: string;
  slug: string;
  name: string;
  provider: 'openai' | 'local';
  /** Resolved: the agent's own model, else the deployment's default. */
  model: string;
  systemPrompt: string;
  temperature: number | null;
  maxTokens: number | null;
}

/** An agent as other features see it, whether or not it is enabled. */
export interface AgentInfo extends UsableAgent {
  description: string;
  premium: boolean;
  enabled: boolean;
}

/**
 * Agents as users see them (the enabled ones, with whether they may use each) and the
 * access rule other features call: AgentsService.resolveForChat / assertUsable.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Enabled agents by slug, each with whether the caller may use it and why not. */
  async list(
    principal: Principal,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<AgentDto>> {
    const rows = await this.agents.listEnabledForUser(
      principal.userId,
      parseAgentCursor(cursor),
      limit,
    );
    return toPage(
      rows,
      limit,
      (row) => toAgentDto(row, principal.roles, this.llmModel),
      (row) => [row.agent.slug],
    );
  }

  /** One enabled agent by id or slug; 404 AGENT_NOT_FOUND when unknown or disabled. */
  async get(principal: Principal, idOrSlug: string): Promise<AgentDto> {
    const row = await this.agents.findEnabledForUser(principal.userId, idOrSlug);
    if (!row) throw agentNotFound();
    return toAgentDto(row, principal.roles, this.llmModel);
  }

  /** Any agent (enabled or not) by id; null when unknown. For validating an agent id. */
  async findById(id: string): Promise<AgentInfo | null> {
    const agent = await this.agents.findById(id);
    if (!agent) return null;
    return {
      ...this.toUsable(agent),
      description: agent.description,
      premium: agent.premium,
      enabled: agent.enabled,
    };
  }

  /**
   * The agent, ready for the chat, if the caller may use it: 404 AGENT_NOT_FOUND (unknown),
   * 403 AGENT_DISABLED, 403 AGENT_PREMIUM_REQUIRED (premium, and neither the premium or
   * admin role nor an unexpired grant).
   */
  async resolveForChat(principal: Principal, agentId: string): Promise<UsableAgent> {
    return this.usableForChat(
      principal,
      await this.agents.findByIdForUser(principal.userId, agentId),
    );
  }

  /**
   * The checks of resolveForChat on an agent already read for the caller (null when it
   * does not exist), e.g. by a statement that does more in the same round trip.
   */
  usableForChat(principal: Principal, row: AgentForUser | null): UsableAgent {
    if (!row) throw agentNotFound();
    const { agent, granted } = row;
    if (!agent.enabled) throw agentDisabled();
    if (accessDenial(principal.roles, agent.premium, granted)) throw agentPremiumRequired();
    return this.toUsable(agent);
  }

  /** The model an agent of `provider` that names none runs with (see resolveModel). */
  defaultModel(provider: AgentProvider): string {
    return resolveModel(Object.assign(new Agent(), { model: null, provider }), this.llmModel);
  }

  /** The checks of resolveForChat, for callers that need no agent details. */
  async assertUsable(principal: Principal, agentId: string): Promise<void> {
    await this.resolveForChat(principal, agentId);
  }

  private toUsable(agent: Agent): UsableAgent {
    return {
      id: agent.id,
      slug: agent.slug,
      name: agent.name,
      provider: agent.provider,
      model: resolveModel(agent, this.llmModel),
      systemPrompt: agent.systemPrompt,
      temperature: agent.temperature,
      maxTokens: agent.maxTokens,
    };
  }

  private get llmModel(): string | undefined {
    return this.config.chat.llm?.model;
  }
}
