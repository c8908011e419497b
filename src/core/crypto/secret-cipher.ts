import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../../config/app-config.js';

const VERSION = 'v1';

/**
 * AES-256-GCM under a key ring (current key first). Ciphertexts name their key, so
 * older keys keep decrypting after a rotation and `needsRotation` finds what to
 * re-encrypt.
 */
export class SecretCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('SecretCipher needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  encrypt(plaintext: string, associatedData = ''): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join(':');
  }

  decrypt(ciphertext: string, associatedData = ''): string {
    const [version, id, iv, tag, body] = ciphertext.split(':');
    if (version !== VERSION || !id || !iv || !tag || body === undefined)
      throw new Error('not a Meridian ciphertext');
    const key = this.byId.get(id);
    if (!key) throw new Error(`no encryption key with id ${id} in ENCRYPTION_KEYS`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // GCM's own message ("Unsupported state or unable to authenticate data") says
      // nothing an operator can act on.
      throw new Error(
        `the encryption key with id ${id} in ENCRYPTION_KEYS does not decrypt a stored secret: its key material differs from the one the secret was written with, or the stored value was altered`,
      );
    }
  }

  /** Whether the key ring has a key with this id. */
  hasKey(id: string): boolean {
    return this.byId.has(id);
  }

  /** The key id a ciphertext names (undefined when it is not a Meridian ciphertext). */
  static keyIdOf(ciphertext: string): string | undefined {
    const [version, id] = ciphertext.split(':');
    return version === VERSION && id ? id : undefined;
  }

  needsRotation(ciphertext: string): boolean {
    return ciphertext.split(':')[1] !== this.currentKeyId;
  }
}
