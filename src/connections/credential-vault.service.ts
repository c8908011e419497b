import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SecretCipher } from '../core/crypto/secret-cipher.js';
import { ConnectionsRepository } from './connections.repository.js';
import { CredentialKind, type ServiceCredential } from './entities/service-credential.entity.js';
import type { CredentialHandle, SecretUpdate, ValidatedCredential } from './providers/provider.js';

/** The associated data of each ciphertext column (as ENCRYPTED_COLUMNS computes it in SQL). */
export const secretAad = (connectionId: string): string => `connection-credential:${connectionId}`;
export const refreshAad = (connectionId: string): string =>
  `connection-refresh-token:${connectionId}`;

const last4 = (secret: string | null): string | null =>
  secret && secret.length >= 12 ? secret.slice(-4) : null;

/**
 * Encrypts credentials on their way into the database and gives providers a handle on
 * the decrypted secret. Nothing here logs or returns a secret to a caller.
 */
@Injectable()
export class CredentialVault {
  constructor(
    private readonly cipher: SecretCipher,
    private readonly connections: ConnectionsRepository,
  ) {}

  /** The stored row of a validated credential. */
  row(connectionId: string, validated: ValidatedCredential): Partial<ServiceCredential> {
    return {
      connectionId,
      kind: validated.kind,
      secretEncrypted: validated.secret
        ? this.cipher.encrypt(validated.secret, secretAad(connectionId))
        : null,
      secretLast4:
        validated.kind === CredentialKind.GitHubAppInstallation ? null : last4(validated.secret),
      expiresAt: validated.expiresAt,
      refreshTokenEncrypted: validated.refreshToken
        ? this.cipher.encrypt(validated.refreshToken, refreshAad(connectionId))
        : null,
      lastRotatedAt: new Date(),
    };
  }

  private fields(
    connectionId: string,
    update: SecretUpdate,
    isInstallation: boolean,
  ): Partial<ServiceCredential> {
    return {
      secretEncrypted: this.cipher.encrypt(update.secret, secretAad(connectionId)),
      secretLast4: isInstallation ? null : last4(update.secret),
      expiresAt: update.expiresAt,
      ...(update.refreshToken !== undefined
        ? {
            refreshTokenEncrypted: update.refreshToken
              ? this.cipher.encrypt(update.refreshToken, refreshAad(connectionId))
              : null,
          }
        : {}),
      lastRotatedAt: new Date(),
    };
  }

  /** A provider's handle on a stored credential. */
  handle(credential: ServiceCredential): CredentialHandle {
    const id = credential.connectionId;
    const isInstallation = credential.kind === CredentialKind.GitHubAppInstallation;
    const handle: CredentialHandle = {
      kind: credential.kind,
      secret: credential.secretEncrypted
        ? this.cipher.decrypt(credential.secretEncrypted, secretAad(id))
        : null,
      expiresAt: credential.expiresAt,
      refreshToken: credential.refreshTokenEncrypted
        ? this.cipher.decrypt(credential.refreshTokenEncrypted, refreshAad(id))
        : null,
      issuedAt: credential.lastRotatedAt,
      save: async (update) => {
        const fields = this.fields(id, update, isInstallation);
        await this.connections.updateCredential(id, fields);
        this.apply(handle, update);
      },
      renewLocked: async (stale, renew) => {
        await this.connections.transaction(async (manager: EntityManager) => {
          const locked = await this.connections.lockCredential(manager, id);
          if (!locked) return;
          const current = this.handle(locked);
          if (!stale(current) || !current.refreshToken) {
            this.apply(handle, current);
            return;
          }
          const update = await renew(current.refreshToken);
          await this.connections.updateCredential(
            id,
            this.fields(id, update, isInstallation),
            manager,
          );
          this.apply(handle, update);
        });
      },
    };
    return handle;
  }

  private apply(handle: CredentialHandle, update: SecretUpdate | CredentialHandle): void {
    handle.secret = 'secret' in update ? update.secret : handle.secret;
    handle.expiresAt = update.expiresAt;
    if (update.refreshToken !== undefined) handle.refreshToken = update.refreshToken;
    handle.issuedAt = 'issuedAt' in update ? update.issuedAt : new Date();
  }
}
