import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  ACCEPTED_ALGORITHMS,
  CLOCK_SKEW_SECONDS,
  TokenRejected,
  TokenVerifier,
} from './token-verifier.service.js';
import { PrincipalService, type AccessTokenClaims } from './principal.service.js';
import type { Principal } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

/** The bearer token of a request, as passport-jwt reads it. */
export const BEARER = ExtractJwt.fromAuthHeaderAsBearerToken();

/** passport-jwt over the issuers' key sets: RS256/ES256, trusted issuer, API audience, exp/nbf. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    verifier: TokenVerifier,
    private readonly principals: PrincipalService,
    private readonly verified: VerifiedTokens,
  ) {
    super({
      jwtFromRequest: BEARER,
      passReqToCallback: true,
      secretOrKeyProvider: (
        _req: unknown,
        rawJwt: string,
        done: (err: unknown, key?: string) => void,
      ) => {
        // jsonwebtoken accepts a KeyObject; passport-jwt's types only name string | Buffer.
        // Errors pass through as they are: the guard tells a bad token (TokenRejected)
        // apart from a dependency that cannot answer (database, identity provider).
        verifier.keyFor(rawJwt).then(
          (key) => done(null, key as unknown as string),
          (err: unknown) => done(err instanceof Error ? err : new TokenRejected(String(err))),
        );
      },
      algorithms: ACCEPTED_ALGORITHMS,
      issuer: verifier.issuers,
      audience: verifier.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_SKEW_SECONDS },
    });
  }

  validate(request: unknown, claims: AccessTokenClaims): Promise<Principal> {
    const raw = BEARER(request);
    if (raw) this.verified.remember(raw, claims);
    return this.principals.fromClaims(claims);
  }
}
