import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '../core/errors/app.exception.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountsService } from './accounts.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import { OneTimeTokenPurpose } from './entities/one-time-token.entity.js';
import { WaitlistStatus } from './entities/waitlist-entry.entity.js';
import { invalidOneTimeToken, OneTimeTokensService } from './one-time-tokens.service.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';
import { SessionsService, type ClientInfo } from './sessions.service.js';
import { isUniqueViolation } from './unique-violation.js';
import { WaitlistRepository } from './waitlist.repository.js';

export interface InviteAcceptance {
  token: string;
  password: string;
  displayName?: string;
}

/**
 * An invited person sets a password with the link from their invitation: the account is
 * created verified (the link proved the address) and signed in. The link works once.
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: OneTimeTokensService,
    private readonly entries: WaitlistRepository,
    private readonly dataSource: DataSource,
  ) {}

  async acceptInvite(invite: InviteAcceptance, client: ClientInfo): Promise<TokenPairDto> {
    this.accounts.assertLocalAccounts();
    // Checked before the token is spent, so a refused password does not cost the link.
    const { payload } = await this.tokens.peek(OneTimeTokenPurpose.Invite, invite.token);
    assertAcceptablePassword(invite.password, payload.email);
    const passwordHash = await hashPassword(invite.password);

    const { user, refresh } = await this.dataSource.transaction(async (m) => {
      const grant = await this.tokens.consume(OneTimeTokenPurpose.Invite, invite.token, m);
      if (!grant.waitlistEntryId) throw invalidOneTimeToken();
      let created: User;
      try {
        created = await this.users.createLocal(
          {
            email: grant.payload.email,
            displayName: invite.displayName ?? null,
            passwordHash,
            verified: true,
          },
          m,
        );
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw new AppException(
          409,
          AuthErrorCode.EmailTaken,
          'An account with this email address already exists; sign in instead.',
        );
      }
      const accepted = await this.entries.transition(
        grant.waitlistEntryId,
        WaitlistStatus.Approved,
        WaitlistStatus.Accepted,
        { userId: created.id },
        m,
      );
      if (!accepted) throw invalidOneTimeToken();
      return { user: created, refresh: await this.sessions.start(created.id, client, m) };
    });
    return this.accounts.tokenPair(user, refresh);
  }
}
