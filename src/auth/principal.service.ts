import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AppException } from '../core/errors/app.exception.js';
import { UserStatus } from '../users/user.entity.js';
import { LOCAL_ISSUER_KEY, UsersService } from '../users/users.service.js';
import { AuthErrorCode } from './auth-error-codes.js';
import type { Principal } from './principal.js';
import { CallerStateCache } from '../users/caller-state-cache.js';

/** The claims Meridian reads; Keycloak and the built-in issuer both produce this shape. */
export interface AccessTokenClaims {
  iss: string;
  sub?: string;
  aud: string | string[];
  exp?: number;
  iat?: number;
  typ?: string;
  sid?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  realm_access?: { roles?: unknown };
  resource_access?: Record<string, { roles?: unknown } | undefined>;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
/** What infrastructure:admin implies. */
export const INFRASTRUCTURE_PERMISSIONS = [
  'migrations:read',
  'migrations:execute',
  'migrations:manage',
  'databases:read',
  'databases:manage',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function unauthorized(code: AuthErrorCode, detail: string): AppException {
  return new AppException(401, code, detail, {
    headers: {
      'www-authenticate': `Bearer error="invalid_token", error_description="${detail.replace(/"/g, "'")}"`,
    },
  });
}

/** Maps verified claims to a principal, once per request; provisions issuer users on first sight. */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly users: UsersService,
    private readonly cache: CallerStateCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  permissionsFor(roles: string[]): string[] {
    const map = this.config.auth.rolePermissions;
    const granted = new Set(roles.flatMap((r) => map[r] ?? []));
    // infrastructure:admin implies every migration and database permission
    if (granted.has('infrastructure:admin'))
      for (const p of INFRASTRUCTURE_PERMISSIONS) granted.add(p);
    return [...granted].sort();
  }

  async fromClaims(claims: AccessTokenClaims): Promise<Principal> {
    if (claims.typ !== 'Bearer')
      throw unauthorized(AuthErrorCode.TokenInvalid, 'Only access tokens are accepted.');
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || !claims.sub) {
      throw unauthorized(AuthErrorCode.TokenInvalid, 'The access token lacks exp or sub.');
    }
    const local = this.config.auth.localAccounts && claims.iss === this.config.auth.localIssuer;
    const sid =
      local && typeof claims.sid === 'string' && UUID.test(claims.sid) ? claims.sid : undefined;
    if (local && !sid)
      throw unauthorized(AuthErrorCode.TokenInvalid, 'The access token has no session.');
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
    const name =
      typeof claims.name === 'string' ? claims.name : (claims.preferred_username ?? null);

    const issuerKey = local ? LOCAL_ISSUER_KEY : claims.iss;
    const subject = claims.sub;
    const cacheKey = `${issuerKey}\n${subject}\n${sid ?? ''}`;
    let state = await this.cache.get(cacheKey, () =>
      this.users.callerState(issuerKey, subject, sid),
    );
    if (!state && local)
      throw unauthorized(AuthErrorCode.TokenRevoked, 'The account no longer exists.');
    if (!state || (!local && (state.email !== email || state.displayName !== name))) {
      await this.users.provision({
        issuer: claims.iss,
        subject: claims.sub,
        email,
        name,
        emailVerified: claims.email_verified === true,
      });
      state = await this.users.callerState(issuerKey, claims.sub, sid);
      if (!state)
        throw unauthorized(AuthErrorCode.TokenInvalid, 'The user could not be provisioned.');
    }
    if (state.status !== UserStatus.Active)
      throw unauthorized(AuthErrorCode.AccountDisabled, 'The account is disabled.');
    const issuedAt = claims.iat ?? 0;
    if (state.tokensValidAfter && issuedAt < Math.floor(state.tokensValidAfter.getTime() / 1000)) {
      throw unauthorized(AuthErrorCode.TokenRevoked, 'The access token was revoked.');
    }
    if (state.sessionRevoked)
      throw unauthorized(AuthErrorCode.TokenRevoked, 'The session has ended.');

    this.users.noteSeen(state.id);
    const tokenRoles = [
      ...strings(claims.realm_access?.roles),
      ...strings(claims.resource_access?.[this.config.auth.clientId]?.roles),
    ];
    const roles = [...new Set([...(local ? [] : tokenRoles), ...state.roles])].sort();
    return {
      userId: state.id,
      issuer: claims.iss,
      subject: claims.sub,
      email: state.email,
      emailVerified: claims.email_verified === true,
      name: state.displayName,
      roles,
      permissions: this.permissionsFor(roles),
      sessionId: sid,
      issuedAt,
      account: {
        emailVerified: state.emailVerified,
        localAccount: state.localAccount,
        createdAt: state.createdAt,
      },
    };
  }
}
