import { decodeCursor, invalidCursor } from '../core/pagination/page.js';
import { accessDenial } from './agent-access.js';
import { AgentProvider, type Agent } from './agent.entity.js';
import type { GrantCursor, GrantView } from './agent-grants.repository.js';
import type { AgentForUser } from './agents.repository.js';
import type { AgentGrantDto } from './dto/agent-grant.dto.js';
import { SLUG_PATTERN, type AdminAgentDto, type AgentDto } from './dto/agent.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The model a local agent answers with when it names none. */
export const LOCAL_DEV_MODEL = 'meridian-local-dev';

/**
 * The model that answers for `agent`: its own, else the deployment's default: LLM_MODEL
 * for OpenAI-compatible agents, the local development model for local ones (and when no
 * LLM endpoint is configured).
 */
export function resolveModel(agent: Agent, llmModel: string | undefined): string {
  if (agent.model) return agent.model;
  return agent.provider === AgentProvider.OpenAi ? (llmModel ?? LOCAL_DEV_MODEL) : LOCAL_DEV_MODEL;
}

/** The one mapping of an agent as a user sees it. */
export function toAgentDto(
  { agent, granted }: AgentForUser,
  roles: readonly string[],
  llmModel: string | undefined,
): AgentDto {
  const reason = accessDenial(roles, agent.premium, granted);
  return {
    id: agent.id,
    slug: agent.slug,
    name: agent.name,
    description: agent.description,
    premium: agent.premium,
    model: resolveModel(agent, llmModel),
    access: { allowed: reason === null, reason },
  };
}

/** The one mapping of an agent as administrators see it. */
export function toAdminAgentDto(agent: Agent): AdminAgentDto {
  return {
    id: agent.id,
    slug: agent.slug,
    name: agent.name,
    description: agent.description,
    provider: agent.provider,
    model: agent.model,
    systemPrompt: agent.systemPrompt,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    premium: agent.premium,
    enabled: agent.enabled,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
  };
}

export function toAgentGrantDto(grant: GrantView): AgentGrantDto {
  return {
    agentId: grant.agentId,
    userId: grant.userId,
    email: grant.email,
    grantedBy: grant.grantedBy,
    expiresAt: grant.expiresAt?.toISOString() ?? null,
    active: grant.active,
    createdAt: grant.createdAt.toISOString(),
  };
}

export const agentCursorKey = (agent: Agent): string[] => [agent.slug];
export const grantCursorKey = (grant: GrantView): string[] => [
  grant.createdAt.toISOString(),
  grant.userId,
];

const badCursor = invalidCursor;

/** Reads a cursor issued by agentCursorKey: the slug of the previous page's last agent. */
export function parseAgentCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const [slug] = decodeCursor(cursor, 1);
  if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) throw badCursor();
  return slug;
}

/** Reads a cursor issued by grantCursorKey. */
export function parseGrantCursor(cursor: string | undefined): GrantCursor | null {
  if (cursor === undefined) return null;
  const [at, userId] = decodeCursor(cursor, 2);
  const date = typeof at === 'string' ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || typeof userId !== 'string' || !UUID.test(userId)) {
    throw badCursor();
  }
  return { at: date, userId };
}
