import { Inject, Injectable, Logger } from '@nestjs/common';
import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { AppException } from '../../core/errors/app.exception.js';
import type { KeycloakAdminConfig } from '../admin.config.js';
import { AdminErrorCode } from '../admin.errors.js';

/** The HTTP status of a Keycloak Admin REST API error, when it answered at all. */
function answeredStatus(err: unknown): number | undefined {
  const response = (err as { response?: { status?: unknown } } | null)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/**
 * Changes to Keycloak users made in their realm through the Admin REST API, as the
 * service-account client KEYCLOAK_ADMIN_CLIENT_ID (client credentials). Every call has
 * KEYCLOAK_TIMEOUT_MS; a refusal is 502 ADMIN_KEYCLOAK_REFUSED, no answer 503.
 */
@Injectable()
export class KeycloakRealm {
  private readonly logger = new Logger('KeycloakAdmin');
  private client?: KeycloakAdminClient;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.admin.keycloak !== undefined;
  }

  /** Where a change to a Keycloak user must be made when Meridian cannot make it. */
  notConfigured(): AppException {
    const where = this.config.auth.oidcIssuer ?? 'the Keycloak realm';
    return new AppException(
      409,
      AdminErrorCode.ManagedInKeycloak,
      `This user is managed by Keycloak: make this change in ${where} (its admin console), ` +
        'or configure KEYCLOAK_ADMIN_URL, KEYCLOAK_REALM, KEYCLOAK_ADMIN_CLIENT_ID and ' +
        'KEYCLOAK_ADMIN_CLIENT_SECRET so Meridian can make it there.',
    );
  }

  async grantRealmRole(userId: string, role: string): Promise<void> {
    await this.call('grant a realm role', async (kc) => {
      const found = await kc.roles.findOneByName({ name: role });
      if (!found?.id || !found.name) {
        throw new AppException(
          502,
          AdminErrorCode.KeycloakRefused,
          `The realm has no role "${role}"; create it in Keycloak first.`,
        );
      }
      await kc.users.addRealmRoleMappings({
        id: userId,
        roles: [{ id: found.id, name: found.name }],
      });
    });
  }

  async revokeRealmRole(userId: string, role: string): Promise<void> {
    await this.call('revoke a realm role', async (kc) => {
      const found = await kc.roles.findOneByName({ name: role });
      if (!found?.id || !found.name) return; // nothing to take away
      await kc.users.delRealmRoleMappings({
        id: userId,
        roles: [{ id: found.id, name: found.name }],
      });
    });
  }

  /** Disables (or enables) the realm user; disabling also ends their realm sessions. */
  async setEnabled(userId: string, enabled: boolean): Promise<void> {
    await this.call(enabled ? 'enable the user' : 'disable the user', async (kc) => {
      await kc.users.update({ id: userId }, { enabled });
      if (!enabled) await kc.users.logout({ id: userId });
    });
  }

  async logout(userId: string): Promise<void> {
    await this.call('end the realm sessions', (kc) => kc.users.logout({ id: userId }));
  }

  private settings(): KeycloakAdminConfig {
    const settings = this.config.admin.keycloak;
    if (!settings) throw this.notConfigured();
    return settings;
  }

  private async signedIn(): Promise<KeycloakAdminClient> {
    const settings = this.settings();
    if (this.client?.accessToken && !this.client.isTokenExpired()) return this.client;
    const client = new KeycloakAdminClient({
      baseUrl: settings.url,
      realmName: settings.realm,
      timeout: this.config.admin.keycloakTimeoutMs,
    });
    await client.auth({
      grantType: 'client_credentials',
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
    });
    this.client = client;
    return client;
  }

  private async call<T>(what: string, fn: (kc: KeycloakAdminClient) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.signedIn());
    } catch (err) {
      if (err instanceof AppException) throw err;
      const status = answeredStatus(err);
      if (status === 401) this.client = undefined; // the next call signs in again
      if (status !== undefined) {
        this.logger.warn(`Keycloak refused to ${what}: HTTP ${status}`);
        throw new AppException(
          502,
          AdminErrorCode.KeycloakRefused,
          `Keycloak refused to ${what} (HTTP ${status}); nothing was changed.`,
        );
      }
      this.logger.warn(`Keycloak could not be reached to ${what}: ${String(err)}`);
      throw new AppException(
        503,
        AdminErrorCode.KeycloakUnavailable,
        `Keycloak could not be reached to ${what}; nothing was changed.`,
        { headers: { 'retry-after': '5' } },
      );
    }
  }
}
