// What the bare reference servers do to authenticate a request the way Meridian's
// built-in issuer does: verify the RS256 access token (jsonwebtoken.verify) with a parsed
// KeyObject cached per kid, fetched once at start from Meridian's /.well-known/jwks.json,
// then read the caller's user row with pg.
import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

const keys = new Map();
let issuer;
const AUDIENCE = process.env.BENCH_AUDIENCE || 'meridian-api';

/** Fetches the issuer and its public keys from MERIDIAN_URL (once). */
export async function loadKeys(meridianUrl = process.env.MERIDIAN_URL) {
  if (!meridianUrl) throw new Error('bare: MERIDIAN_URL is not set');
  const get = async (path) => {
    const res = await fetch(`${meridianUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`bare: ${path} answered ${res.status}`);
    return res.json();
  };
  issuer = (await get('/.well-known/openid-configuration')).issuer;
  for (const jwk of (await get('/.well-known/jwks.json')).keys) {
    keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
  }
  if (keys.size === 0) throw new Error('bare: the JWKS has no keys');
}

/** The verified claims of `Authorization: Bearer <jwt>`, or null. */
export function verifyBearer(authorization) {
  if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) return null;
  const token = authorization.slice(7);
  const decoded = jwt.decode(token, { complete: true });
  const key = decoded && keys.get(decoded.header.kid);
  if (!key) return null;
  try {
    const claims = jwt.verify(token, key, {
      algorithms: ['RS256'],
      audience: AUDIENCE,
      issuer,
      clockTolerance: 60,
    });
    return claims.typ === 'Bearer' && typeof claims.sub === 'string' ? claims : null;
  } catch {
    return null;
  }
}

/**
 * The caller's user row (subject = user id at the built-in issuer): the brief's
 * `SELECT id, email, display_name, roles FROM users WHERE id = $1`, plus the three columns
 * /auth/me's JSON needs (still one primary-key lookup).
 */
export const USER_SQL =
  'SELECT id, email, display_name, roles, email_verified_at, password_hash IS NOT NULL AS local_account, created_at, status FROM users WHERE id = $1';

/** Meridian's default ROLE_PERMISSIONS (src/config/app-config.ts). */
const ROLE_PERMISSIONS = {
  admin: [
    'users:read',
    'users:manage',
    'migrations:read',
    'migrations:execute',
    'migrations:manage',
    'databases:read',
    'databases:manage',
    'infrastructure:admin',
    'agents:manage',
  ],
  'migrations-operator': ['migrations:read', 'migrations:execute', 'databases:read'],
  'migrations-viewer': ['migrations:read', 'databases:read'],
};

export function permissionsFor(roles) {
  return [...new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []))].sort();
}

/** Verifies the token and reads the user row; null when either fails (answer 401). */
export async function authenticate(pool, req) {
  const claims = verifyBearer(req.headers.authorization);
  if (!claims) return null;
  const { rows } = await pool.query(USER_SQL, [claims.sub]);
  const user = rows[0];
  return user && user.status === 'active' ? user : null;
}

export function send(res, status, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function probe(req, res) {
  if (req.url !== '/bench/up') return false;
  res.writeHead(200, { 'content-length': 0 });
  res.end();
  return true;
}
