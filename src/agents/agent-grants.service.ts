import { Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { DEFAULT_PAGE_SIZE, toPage, type PageDto } from '../core/pagination/page.js';
import { UsersService } from '../users/users.service.js';
import { AgentGrantsRepository } from './agent-grants.repository.js';
import { agentNotFound, grantNotFound, userNotFound } from './agents.errors.js';
import { grantCursorKey, parseGrantCursor, toAgentGrantDto } from './agents.mapper.js';
import { AgentsRepository, isForeignKeyViolation } from './agents.repository.js';
import type { AgentGrantDto } from './dto/agent-grant.dto.js';

/** Explicit per-user access to an agent (premium agents), granted and revoked by admins. */
@Injectable()
export class AgentGrantsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly grants: AgentGrantsRepository,
    private readonly users: UsersService,
  ) {}

  /** Grants (or re-grants with a new expiry); 404 for an unknown agent or user. */
  async grant(
    adminId: string,
    agentId: string,
    userId: string,
    expiresAt: string | null | undefined,
  ): Promise<AgentGrantDto> {
    const expiry = expiresAt ? new Date(expiresAt) : null;
    if (expiry && expiry.getTime() <= Date.now()) {
      throw new AppException(
        400,
        CoreErrorCode.ValidationFailed,
        'expiresAt must be in the future.',
        {
          title: 'Validation failed',
          errors: [
            { field: 'expiresAt', rule: 'isFuture', message: 'expiresAt must be in the future' },
          ],
        },
      );
    }
    await this.requireAgent(agentId);
    if (!(await this.users.findById(userId))) throw userNotFound();
    try {
      return toAgentGrantDto(await this.grants.upsert(agentId, userId, adminId, expiry));
    } catch (error) {
      // The agent or the user was deleted since the checks above.
      if (isForeignKeyViolation(error)) throw agentNotFound();
      throw error;
    }
  }

  /** 404 AGENT_GRANT_NOT_FOUND when the user has no grant for the agent. */
  async revoke(agentId: string, userId: string): Promise<void> {
    await this.requireAgent(agentId);
    if (!(await this.grants.delete(agentId, userId))) throw grantNotFound();
  }

  /** The agent's grants, expired ones included, newest first. */
  async list(
    agentId: string,
    cursor: string | undefined,
    limit = DEFAULT_PAGE_SIZE,
  ): Promise<PageDto<AgentGrantDto>> {
    const position = parseGrantCursor(cursor);
    await this.requireAgent(agentId);
    const rows = await this.grants.listForAgent(agentId, position, limit);
    return toPage(rows, limit, toAgentGrantDto, grantCursorKey);
  }

  private async requireAgent(agentId: string): Promise<void> {
    if (!(await this.agents.findById(agentId))) throw agentNotFound();
  }
}
