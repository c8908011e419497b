import { Injectable } from '@nestjs/common';
import { Contributions } from '../../core/contributions.js';
import { userNotFound } from '../admin.errors.js';
import { toAdminUserDto } from './admin-user.mapper.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import type { AdminUserDetailDto } from './dto/admin-user.dto.js';

/** One user in full: profile, organizations, sessions, recent usage, other features' counts. */
@Injectable()
export class UserDetailUseCase {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly contributions: Contributions,
  ) {}

  async execute(userId: string): Promise<AdminUserDetailDto> {
    const row = await this.users.findById(userId);
    if (!row) throw userNotFound();
    const figures = this.contributions.userFigureContributions();
    const [organizations, sessions, usage, counts] = await Promise.all([
      this.users.organizations(userId),
      this.users.sessions(userId),
      this.users.usage30d(userId),
      Promise.all(figures.map(async (f) => [f.name, await f.countForUser(userId)] as const)),
    ]);
    return {
      ...toAdminUserDto(row),
      organizations,
      sessions: {
        active: sessions.active,
        lastLoginAt: (row.last_login_at ?? sessions.last_login_at)?.toISOString() ?? null,
        lastLoginAddress: sessions.last_address,
      },
      usage30d: {
        messages: usage.messages,
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        conversations: usage.conversations,
      },
      counts: Object.fromEntries(counts),
    };
  }
}
