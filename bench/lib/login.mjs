// Logging in to Meridian's built-in issuer for scenarios that need a bearer token.
import pg from 'pg';
import { assertLoopbackUrl } from './net.mjs';

/** The built-in issuer (PUBLIC_URL), fixed so tokens look the same in every run. */
export const BENCH_PUBLIC_URL = 'http://meridian-bench.localhost';

/** The bootstrap admin every authenticated scenario logs in as (see meridianEnv below). */
export const BENCH_ADMIN = {
  email: 'bench-admin@example.com',
  password: 'bench admin passphrase 1',
};

/**
 * Environment Meridian needs for authenticated scenarios: the bootstrap admin, access
 * tokens that outlive the run, and no rate limit.
 */
export const AUTH_MERIDIAN_ENV = {
  ADMIN_EMAIL: BENCH_ADMIN.email,
  ADMIN_PASSWORD: BENCH_ADMIN.password,
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  RATE_LIMIT_MAX: '0',
  PUBLIC_URL: BENCH_PUBLIC_URL,
};

async function call(baseUrl, method, path, { token, body } = {}) {
  const url = `${baseUrl}${path}`;
  assertLoopbackUrl(url);
  const res = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`bench: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Local accounts are keyed by this issuer value, whatever PUBLIC_URL is. */
const LOCAL_ISSUER_KEY = 'meridian:local';

/**
 * A bench database made by an older Meridian may hold the admin under the issuer URL:
 * move it to the local-accounts key so its tokens are accepted.
 */
async function alignAdminIssuer(databaseUrl, email) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      'UPDATE users SET issuer = $1 WHERE email = $2 AND password_hash IS NOT NULL AND issuer <> $1',
      [LOCAL_ISSUER_KEY, email],
    );
  } finally {
    await client.end();
  }
}

/** POST /api/v1/auth/login; returns { token, user } (user = GET /api/v1/auth/me). */
export async function loginAdmin(baseUrl, databaseUrl, { email, password } = BENCH_ADMIN) {
  await alignAdminIssuer(databaseUrl, email);
  const pair = await call(baseUrl, 'POST', '/api/v1/auth/login', { body: { email, password } });
  const token = pair.accessToken;
  const user = await call(baseUrl, 'GET', '/api/v1/auth/me', { token });
  return { token, user };
}

export { call as meridianCall };
