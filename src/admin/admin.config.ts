import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  ConfigError,
  emptyToUndefined,
  toBoolean,
  toInt,
  validateFeatureEnvironment,
} from '../config/environment.js';

export interface KeycloakAdminConfig {
  /** The Keycloak server's root URL (no /realms/... part). */
  url: string;
  realm: string;
  clientId: string;
  clientSecret: string;
}

export interface AdminConfig {
  statsCacheTtlMs: number;
  /** Set when all four KEYCLOAK_ADMIN_* / KEYCLOAK_REALM variables are. */
  keycloak?: KeycloakAdminConfig;
  /** Admin and infrastructure routes also check Keycloak tokens by introspection. */
  introspectAdmin: boolean;
  /** Timeout of every call to Keycloak's Admin REST API and introspection endpoint. */
  keycloakTimeoutMs: number;
}

class AdminEnvironment {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3_600_000) STATS_CACHE_TTL_MS?: number =
    undefined;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, {
    message: "must be the Keycloak server's root URL without a trailing slash",
  })
  KEYCLOAK_ADMIN_URL?: string = undefined;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be a realm name' })
  KEYCLOAK_REALM?: string = undefined;

  @IsOptional()
  @Matches(/^\S{1,200}$/, { message: 'must be a client id' })
  KEYCLOAK_ADMIN_CLIENT_ID?: string = undefined;

  @IsOptional() @IsString() KEYCLOAK_ADMIN_CLIENT_SECRET?: string = undefined;

  @IsOptional() @Transform(toBoolean) @IsBoolean() OIDC_INTROSPECT_ADMIN?: boolean = undefined;

  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) KEYCLOAK_TIMEOUT_MS?: number =
    undefined;
}

/** The admin console's settings (validated at start-up with the rest). */
export function loadAdminConfig(env: NodeJS.ProcessEnv, oidcIssuer?: string): AdminConfig {
  const v = validateFeatureEnvironment(AdminEnvironment, env);
  const parts = {
    KEYCLOAK_ADMIN_URL: v.KEYCLOAK_ADMIN_URL,
    KEYCLOAK_REALM: v.KEYCLOAK_REALM,
    KEYCLOAK_ADMIN_CLIENT_ID: v.KEYCLOAK_ADMIN_CLIENT_ID,
    KEYCLOAK_ADMIN_CLIENT_SECRET: v.KEYCLOAK_ADMIN_CLIENT_SECRET,
  };
  const set = Object.entries(parts).filter(([, value]) => value !== undefined);
  if (set.length > 0 && set.length < 4) {
    const missing = Object.entries(parts)
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    throw new ConfigError([
      `${missing.join(', ')}: must be set with ${set.map(([n]) => n).join(', ')} (the Keycloak admin service account)`,
    ]);
  }
  const keycloak =
    set.length === 4
      ? {
          url: v.KEYCLOAK_ADMIN_URL!,
          realm: v.KEYCLOAK_REALM!,
          clientId: v.KEYCLOAK_ADMIN_CLIENT_ID!,
          clientSecret: v.KEYCLOAK_ADMIN_CLIENT_SECRET!,
        }
      : undefined;
  const introspectAdmin = v.OIDC_INTROSPECT_ADMIN ?? false;
  if (introspectAdmin && (!keycloak || !oidcIssuer)) {
    throw new ConfigError([
      'OIDC_INTROSPECT_ADMIN=true needs OIDC_ISSUER_URL and the KEYCLOAK_ADMIN_* service account (it authenticates introspection)',
    ]);
  }
  return {
    statsCacheTtlMs: v.STATS_CACHE_TTL_MS ?? 15_000,
    keycloak,
    introspectAdmin,
    keycloakTimeoutMs: v.KEYCLOAK_TIMEOUT_MS ?? 5_000,
  };
}
