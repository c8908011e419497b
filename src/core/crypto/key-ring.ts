import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig, EncryptionKey } from '../../config/app-config.js';

const KEY_FILE = 'encryption-keys.json';
/** AES-256-GCM keys are 32 bytes. */
export const KEY_BYTES = 32;

/**
 * Why a key is obviously not random, or undefined when nothing gives it away. Each rule
 * catches a hand-made key (zeros, a repeated byte or pattern, a counting sequence, a
 * passphrase pasted in as bytes) and has odds below 1e-13 of refusing a random 32-byte
 * key. It cannot prove a key strong: generate keys, never type them.
 */
export function weakKeyReason(key: Buffer): string | undefined {
  if (key.length < KEY_BYTES) return `it is ${key.length} bytes, fewer than ${KEY_BYTES}`;
  const distinct = new Set(key).size;
  if (distinct === 1) return `every byte is 0x${key.subarray(0, 1).toString('hex')}`;
  for (let period = 2; period <= key.length / 2; period++) {
    if (key.every((b, i) => i < period || b === key[i - period])) {
      return `it repeats a ${period}-byte pattern`;
    }
  }
  const step = (key[1] - key[0] + 256) % 256;
  if (key.every((b, i) => i === 0 || (b - key[i - 1] + 256) % 256 === step)) {
    return 'it is a counting sequence';
  }
  if (distinct < 16) {
    return `it has only ${distinct} distinct byte values (a random key has about 30)`;
  }
  if (key.every((b) => b >= 0x20 && b <= 0x7e)) {
    return 'every byte is printable text (a password?), not random bytes';
  }
  return undefined;
}

/** How to make a key, for messages. */
export const KEY_GENERATION_HINT =
  "generate one with `node -e \"console.log('k1:'+crypto.randomBytes(32).toString('base64'))\"` " +
  'or `echo "k1:$(openssl rand -base64 32)"`';

/**
 * ENCRYPTION_KEYS when set; otherwise a key generated on first start and kept in
 * DATA_DIR (0600), for the embedded default. Production with DATABASE_URL must set
 * ENCRYPTION_KEYS, and production refuses weak keys (both enforced by the configuration).
 */
export async function loadKeyRing(
  config: AppConfig,
  logger = new Logger('Encryption'),
): Promise<EncryptionKey[]> {
  if (config.encryptionKeys) {
    // production refuses these at start-up (configuration); elsewhere they only warn
    for (const { id, key } of config.encryptionKeys) {
      const reason = weakKeyReason(key);
      if (reason) {
        logger.warn(
          `ENCRYPTION_KEYS: key "${id}" is weak (${reason}); production refuses it: ${KEY_GENERATION_HINT}`,
        );
      }
    }
    return config.encryptionKeys;
  }
  const file = path.join(config.dataDir, KEY_FILE);
  if (existsSync(file)) {
    const stored = JSON.parse(await fs.readFile(file, 'utf8')) as { id: string; key: string }[];
    return stored.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') }));
  }
  const key = { id: 'local1', key: randomBytes(32) };
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(file, JSON.stringify([{ id: key.id, key: key.key.toString('base64') }]), {
    mode: 0o600,
  });
  logger.warn(
    `ENCRYPTION_KEYS unset: generated a local encryption key in ${file} (keep it with the data)`,
  );
  return [key];
}
