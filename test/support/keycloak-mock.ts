import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface KeycloakMock {
  issuer: string;
  /** How many times the JWKS endpoint was fetched. */
  jwksFetches(): Promise<number>;
  /** The realm's public keys (JWK). */
  keys(): Promise<Record<string, unknown>[]>;
  /** Adds a signing key to the realm; returns its kid. */
  rotate(): Promise<string>;
  /** A Keycloak-shaped access token; `claims` override, `remove` deletes claims. */
  token(
    claims?: Record<string, unknown>,
    options?: { kid?: string; expiresIn?: number; remove?: string[] },
  ): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the Keycloak stand-in (test/support/keycloak-mock-server.mjs) as a child process. */
export async function startKeycloakMock(): Promise<KeycloakMock> {
  const script = path.resolve('test/support/keycloak-mock-server.mjs');
  const child: ChildProcess = spawn(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`Keycloak mock exited with ${code}`)));
  });
  const { issuer, control } = JSON.parse(first) as { issuer: string; control: string };
  const call = async <T>(p: string, body?: unknown): Promise<T> => {
    const res = await fetch(
      control + p,
      body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
    );
    return (await res.json()) as T;
  };
  return {
    issuer,
    jwksFetches: async () => (await call<{ jwksFetches: number }>('/_control/stats')).jwksFetches,
    keys: async () => (await call<{ keys: Record<string, unknown>[] }>('/_control/keys')).keys,
    rotate: async () => (await call<{ kid: string }>('/_control/rotate', {})).kid,
    token: async (claims = {}, options = {}) =>
      (await call<{ token: string }>('/_control/token', { claims, ...options })).token,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
