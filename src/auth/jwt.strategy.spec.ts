import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../config/app-config.js';
import { JwtStrategy } from './jwt.strategy.js';
import type { PrincipalService } from './principal.service.js';
import { KeySetUnavailable } from './remote-jwks.js';
import { VerifiedTokens } from './verified-tokens.js';
import type { SigningKeysService } from './signing-keys.service.js';
import { TokenRejected, TokenVerifier } from './token-verifier.service.js';

/**
 * The verification chain up to passport: a provider whose key set cannot be fetched
 * reaches the guard as KeySetUnavailable, a bad token as TokenRejected.
 */
describe('JwtStrategy with an identity provider that cannot be reached', () => {
  let server: Server;
  let issuer: string;
  let failing = true;
  let verifier: TokenVerifier;
  let strategy: JwtStrategy;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (failing) {
        res.statusCode = 503;
        return res.end('{}');
      }
      if (req.url === '/.well-known/openid-configuration')
        return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/certs` }));
      res.end(
        JSON.stringify({
          keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      OIDC_ISSUER_URL: issuer,
      OIDC_AUDIENCE: 'meridian-api',
      OIDC_JWKS_MIN_REFETCH_MS: '100',
    });
    // Only the provider's tokens are checked here: the built-in issuer's keys and the
    // principal mapping are never reached.
    verifier = new TokenVerifier({} as SigningKeysService, config);
    strategy = new JwtStrategy(verifier, {} as PrincipalService, new VerifiedTokens());
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const token = (kid: string) =>
    jwt.sign({ iss: issuer, aud: 'meridian-api', sub: 'u1', typ: 'Bearer' }, privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      expiresIn: 300,
    });

  /** Runs passport-jwt's authenticate and returns what it handed to fail() or error(). */
  const outcome = (raw: string) =>
    new Promise<unknown>((resolve) => {
      const run = Object.create(strategy) as {
        fail: (info: unknown) => void;
        error: (err: unknown) => void;
        success: (user: unknown) => void;
        authenticate: (req: unknown, options: object) => void;
      };
      run.fail = resolve;
      run.error = resolve;
      run.success = () => resolve('success');
      run.authenticate({ headers: { authorization: `Bearer ${raw}` } }, {});
    });

  it('hands KeySetUnavailable to the guard unchanged, not TokenRejected', async () => {
    failing = true;
    await expect(verifier.keyFor(token('k1'))).rejects.toBeInstanceOf(KeySetUnavailable);
    const info = await outcome(token('k1'));
    expect(info).toBeInstanceOf(KeySetUnavailable);
    expect(info).not.toBeInstanceOf(TokenRejected);
  });

  it('still rejects a bad token as TokenRejected', async () => {
    failing = true;
    expect(await outcome('not.a.jwt')).toBeInstanceOf(TokenRejected);
    const foreign = jwt.sign({ iss: 'https://elsewhere.example.com', aud: 'x' }, privateKey, {
      algorithm: 'RS256',
      keyid: 'k1',
    });
    expect(await outcome(foreign)).toBeInstanceOf(TokenRejected);
  });

  it('rejects an unknown kid as TokenRejected once the provider answers', async () => {
    failing = false;
    await new Promise((r) => setTimeout(r, 150)); // a refetch is earned back
    await expect(verifier.keyFor(token('k1'))).resolves.toBeDefined();
    expect(await outcome(token('no-such-kid'))).toBeInstanceOf(TokenRejected);
  });
});
