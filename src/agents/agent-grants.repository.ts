import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AgentGrant } from './agent-grant.entity.js';

/** A grant with the grantee's email, as administrators see it. */
export interface GrantView {
  agentId: string;
  userId: string;
  email: string | null;
  grantedBy: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  /** Not expired (by the database's clock). */
  active: boolean;
}

/** Keyset position in an agent's grants: creation time and user id of the last row. */
export interface GrantCursor {
  at: Date;
  userId: string;
}

interface GrantRow {
  agent_id: string;
  user_id: string;
  email: string | null;
  granted_by: string | null;
  expires_at: Date | null;
  created_at: Date;
  active: boolean;
}

const GRANT_COLUMNS = `g.agent_id, g.user_id, u.email, g.granted_by, g.expires_at, g.created_at,
  (g.expires_at IS NULL OR g.expires_at > now()) AS active`;

/** All SQL about access grants; every method is scoped to one agent. */
@Injectable()
export class AgentGrantsRepository {
  constructor(@InjectRepository(AgentGrant) private readonly grants: Repository<AgentGrant>) {}

  /**
   * Creates the grant, or replaces its expiry and grantor when it exists (the creation
   * time stays that of the first grant).
   */
  async upsert(
    agentId: string,
    userId: string,
    grantedBy: string,
    expiresAt: Date | null,
  ): Promise<GrantView> {
    const rows: GrantRow[] = await this.grants.query(
      `WITH g AS (
         INSERT INTO agent_grants (agent_id, user_id, granted_by, expires_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (agent_id, user_id)
         DO UPDATE SET granted_by = EXCLUDED.granted_by, expires_at = EXCLUDED.expires_at
         RETURNING *)
       SELECT ${GRANT_COLUMNS} FROM g JOIN users u ON u.id = g.user_id`,
      [agentId, userId, grantedBy, expiresAt],
    );
    return toGrantView(rows[0]);
  }

  /** False when there was no such grant. */
  async delete(agentId: string, userId: string): Promise<boolean> {
    const result = await this.grants.delete({ agentId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** The agent's grants (expired ones too), newest first; `limit + 1` rows. */
  async listForAgent(
    agentId: string,
    cursor: GrantCursor | null,
    limit: number,
  ): Promise<GrantView[]> {
    const rows: GrantRow[] = await this.grants.query(
      `SELECT ${GRANT_COLUMNS} FROM agent_grants g
         JOIN users u ON u.id = g.user_id
        WHERE g.agent_id = $1
          AND ($2::timestamptz IS NULL OR (g.created_at, g.user_id) < ($2::timestamptz, $3::uuid))
        ORDER BY g.created_at DESC, g.user_id DESC
        LIMIT $4`,
      [agentId, cursor?.at ?? null, cursor?.userId ?? null, limit + 1],
    );
    return rows.map(toGrantView);
  }
}

function toGrantView(row: GrantRow): GrantView {
  return {
    agentId: row.agent_id,
    userId: row.user_id,
    email: row.email,
    grantedBy: row.granted_by,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    active: row.active,
  };
}
