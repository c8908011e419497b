import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Agent, type AgentProvider } from './agent.entity.js';

/** An agent with whether the user it was read for holds an unexpired grant for it. */
export interface AgentForUser {
  agent: Agent;
  granted: boolean;
}

/** The fields an administrator sets; the repository stores them as given. */
export interface AgentFields {
  slug: string;
  name: string;
  description: string;
  provider: AgentProvider;
  model: string | null;
  systemPrompt: string;
  temperature: number | null;
  maxTokens: number | null;
  premium: boolean;
  enabled: boolean;
}

/** An agent's columns as PostgreSQL returns them, plus `granted`. */
export interface AgentRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  provider: AgentProvider;
  model: string | null;
  system_prompt: string;
  temperature: number | null;
  max_tokens: number | null;
  premium: boolean;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  granted: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Columns of an agent plus `granted`: the user ($1) holds an unexpired grant. */
const FOR_USER = `SELECT a.*, EXISTS (
    SELECT 1 FROM agent_grants g
     WHERE g.agent_id = a.id AND g.user_id = $1
       AND (g.expires_at IS NULL OR g.expires_at > now())
  ) AS granted
  FROM agents a`;

/** True when `error` is PostgreSQL's unique violation (23505). */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505';

/** True when `error` is PostgreSQL's foreign-key violation (23503). */
export const isForeignKeyViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23503';

/**
 * All SQL about agents. Reads on a user's behalf take the user id first and say whether
 * that user holds a grant, so access is decided from one row.
 */
@Injectable()
export class AgentsRepository {
  constructor(@InjectRepository(Agent) private readonly agents: Repository<Agent>) {}

  /** Any agent, enabled or not; null for an unknown id (or one that is not a UUID). */
  findById(id: string, manager: EntityManager = this.agents.manager): Promise<Agent | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return manager.getRepository(Agent).findOneBy({ id });
  }

  /** Any agent (enabled or not) by id, for `userId`. */
  async findByIdForUser(userId: string, agentId: string): Promise<AgentForUser | null> {
    if (!UUID.test(agentId)) return null;
    const rows: AgentRow[] = await this.agents.query(`${FOR_USER} WHERE a.id = $2`, [
      userId,
      agentId,
    ]);
    return rows[0] ? toAgentForUser(rows[0]) : null;
  }

  /** An enabled agent by id or slug, for `userId`. */
  async findEnabledForUser(userId: string, idOrSlug: string): Promise<AgentForUser | null> {
    const column = UUID.test(idOrSlug) ? 'a.id' : 'a.slug';
    const rows: AgentRow[] = await this.agents.query(
      `${FOR_USER} WHERE ${column} = $2 AND a.enabled`,
      [userId, UUID.test(idOrSlug) ? idOrSlug.toLowerCase() : idOrSlug],
    );
    return rows[0] ? toAgentForUser(rows[0]) : null;
  }

  /** Enabled agents by slug, for `userId`, keyset after `afterSlug`; `limit + 1` rows. */
  async listEnabledForUser(
    userId: string,
    afterSlug: string | null,
    limit: number,
  ): Promise<AgentForUser[]> {
    const rows: AgentRow[] = await this.agents.query(
      `${FOR_USER} WHERE a.enabled AND ($2::varchar IS NULL OR a.slug > $2::varchar)
        ORDER BY a.slug LIMIT $3`,
      [userId, afterSlug, limit + 1],
    );
    return rows.map(toAgentForUser);
  }

  /** Every agent, enabled or not, by slug, keyset after `afterSlug`; `limit + 1` rows. */
  async listAll(afterSlug: string | null, limit: number): Promise<Agent[]> {
    const rows: AgentRow[] = await this.agents.query(
      `SELECT a.*, false AS granted FROM agents a
        WHERE $1::varchar IS NULL OR a.slug > $1::varchar
        ORDER BY a.slug LIMIT $2`,
      [afterSlug, limit + 1],
    );
    return rows.map((r) => toAgentForUser(r).agent);
  }

  async insert(fields: AgentFields, manager: EntityManager = this.agents.manager): Promise<Agent> {
    const repo = manager.getRepository(Agent);
    return repo.save(repo.create(fields));
  }

  /** Applies `fields` and returns the agent; null when it does not exist. */
  async update(id: string, fields: Partial<AgentFields>): Promise<Agent | null> {
    if (!UUID.test(id)) return null;
    if (Object.keys(fields).length > 0) await this.agents.update({ id }, fields);
    return this.agents.findOneBy({ id });
  }

  /** True when the agents table has no row (first start). */
  async isEmpty(manager: EntityManager): Promise<boolean> {
    const rows: { found: boolean }[] = await manager.query(
      'SELECT EXISTS (SELECT 1 FROM agents) AS found',
    );
    return !rows[0].found;
  }

  /** Locks the agent's row until the transaction ends; false when it does not exist. */
  async lock(id: string, manager: EntityManager): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const rows: unknown[] = await manager.query('SELECT 1 FROM agents WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    return rows.length > 0;
  }

  /**
   * True when a conversation refers to the agent. Conversations belong to another feature
   * (and may not be installed yet), so this reads their table only when it exists.
   */
  async hasConversations(agentId: string, manager: EntityManager): Promise<boolean> {
    const table: { present: boolean }[] = await manager.query(
      `SELECT to_regclass('public.conversations') IS NOT NULL AS present`,
    );
    if (!table[0].present) return false;
    const rows: unknown[] = await manager.query(
      'SELECT 1 FROM conversations WHERE agent_id = $1 LIMIT 1',
      [agentId],
    );
    return rows.length > 0;
  }

  /** Deletes the agent; its grants and usage go with it (FK cascade). */
  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(Agent).delete({ id });
  }
}

export function toAgentForUser(row: AgentRow): AgentForUser {
  const agent = new Agent();
  agent.id = row.id;
  agent.slug = row.slug;
  agent.name = row.name;
  agent.description = row.description;
  agent.provider = row.provider;
  agent.model = row.model;
  agent.systemPrompt = row.system_prompt;
  agent.temperature = row.temperature;
  agent.maxTokens = row.max_tokens;
  agent.premium = row.premium;
  agent.enabled = row.enabled;
  agent.createdAt = row.created_at;
  agent.updatedAt = row.updated_at;
  return { agent, granted: row.granted };
}
