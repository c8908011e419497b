import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppException } from '../core/errors/app.exception.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { OneTimeTokenPurpose, type OneTimeTokenPayload } from './entities/one-time-token.entity.js';
import { OneTimeTokensRepository, type OneTimeTokenGrant } from './one-time-tokens.repository.js';
import { sha256 } from './sessions.service.js';

/** How long each kind of link works. */
export const ONE_TIME_TOKEN_TTL_SECONDS: Record<OneTimeTokenPurpose, number> = {
  [OneTimeTokenPurpose.VerifyEmail]: 24 * 3600,
  [OneTimeTokenPurpose.ResetPassword]: 30 * 60,
  [OneTimeTokenPurpose.EmailChange]: 3600,
  [OneTimeTokenPurpose.Invite]: 7 * 24 * 3600,
};

export type OneTimeTokenOwner = { userId: string } | { waitlistEntryId: string };

/** Addresses compare case-insensitively (the columns are citext). */
export const sameEmail = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function invalidOneTimeToken(): AppException {
  return new AppException(
    400,
    AuthErrorCode.TokenUnusable,
    'The link is invalid, expired or was already used.',
  );
}

/**
 * Single-use link tokens: 32 random bytes (base64url) handed out once, stored only as
 * their SHA-256. A new token of a purpose ends the owner's older unused ones.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(private readonly tokens: OneTimeTokensRepository) {}

  /** Issues a token and returns the secret to put in the link. */
  async issue(
    purpose: OneTimeTokenPurpose,
    owner: OneTimeTokenOwner,
    payload: OneTimeTokenPayload,
    manager?: EntityManager,
  ): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await this.tokens.replace(
      owner,
      {
        purpose,
        tokenHash: sha256(secret),
        payload,
        expiresAt: new Date(Date.now() + ONE_TIME_TOKEN_TTL_SECONDS[purpose] * 1000),
      },
      manager,
    );
    return secret;
  }

  /** What a usable token grants, without using it (to check input before spending it). */
  async peek(purpose: OneTimeTokenPurpose, secret: string): Promise<OneTimeTokenGrant> {
    const grant = await this.tokens.findUsable(sha256(secret), purpose);
    if (!grant) throw invalidOneTimeToken();
    return grant;
  }

  /**
   * Uses the token (atomically: of two concurrent uses exactly one succeeds). Inside a
   * transaction, a rollback gives the token back.
   */
  async consume(
    purpose: OneTimeTokenPurpose,
    secret: string,
    manager?: EntityManager,
  ): Promise<OneTimeTokenGrant> {
    const grant = await this.tokens.markUsed(sha256(secret), purpose, manager);
    if (!grant) throw invalidOneTimeToken();
    return grant;
  }

  deleteForUser(userId: string, manager: EntityManager): Promise<void> {
    return this.tokens.deleteForUser(userId, manager);
  }
}
