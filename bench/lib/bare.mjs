// The bare reference servers in bench/bare/<name>.mjs: plain node:http, no framework.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, LOOPBACK } from './net.mjs';
import { spawnServer, waitForUrl } from './proc.mjs';

export const BARE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bare');

/**
 * Starts bench/bare/<name>.mjs on a free port. It gets PORT, HOST, and whatever `env`
 * holds (DATABASE_URL, REDIS_URL, PG_POOL_SIZE, QUEUE_PREFIX...). Waits until `readyPath`
 * answers 200. Returns the process handle with baseUrl added.
 */
export async function startBare(name, { env = {}, readyPath = '/', timeoutMs = 30_000 } = {}) {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bench: bad bare server name ${name}`);
  const script = path.join(BARE_DIR, `${name}.mjs`);
  if (!existsSync(script)) throw new Error(`bench: no bare server ${script}`);
  const port = await freePort();
  const handle = spawnServer({
    name: `bare ${name}`,
    args: [script],
    env: { ...env, PORT: String(port), HOST: LOOPBACK },
  });
  handle.baseUrl = `http://${LOOPBACK}:${port}`;
  handle.timings = await waitForUrl(handle, `${handle.baseUrl}${readyPath}`, { timeoutMs });
  return handle;
}
