import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig, EncryptionKey } from '../../config/app-config.js';

const KEY_FILE = 'encryption-keys.json';

/**
 * ENCRYPTION_KEYS when set; otherwise a key generated on first start and kept in
 * DATA_DIR (0600), for the embedded default. Production with DATABASE_URL must set
 * ENCRYPTION_KEYS (enforced by the configuration).
 */
export async function loadKeyRing(
  config: AppConfig,
  logger = new Logger('Encryption'),
): Promise<EncryptionKey[]> {
  if (config.encryptionKeys) return config.encryptionKeys;
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
