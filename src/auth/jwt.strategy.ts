import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { KeySetUnavailable } from './remote-jwks.js';
import {
  ACCEPTED_ALGORITHMS,
  CLOCK_SKEW_SECONDS,
  TokenRejected,
  TokenVerifier,
} from './token-verifier.service.js';
import { PrincipalService, type AccessTokenClaims } from './principal.service.js';
import type { Principal } from './principal.js';

/** passport-jwt over the issuers' key sets: RS256/ES256, trusted issuer, API audience, exp/nbf. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    verifier: TokenVerifier,
    private readonly principals: PrincipalService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (
        _req: unknown,
        rawJwt: string,
        done: (err: unknown, key?: string) => void,
      ) => {
        // jsonwebtoken accepts a KeyObject; passport-jwt's types only name string | Buffer.
        verifier.keyFor(rawJwt).then(
          (key) => done(null, key as unknown as string),
          // "Cannot check right now" stays apart from "this token is bad" for the guard.
          (err: unknown) =>
            done(
              err instanceof TokenRejected || err instanceof KeySetUnavailable
                ? err
                : new TokenRejected(String(err)),
            ),
        );
      },
      algorithms: ACCEPTED_ALGORITHMS,
      issuer: verifier.issuers,
      audience: verifier.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_SKEW_SECONDS },
    });
  }

  validate(claims: AccessTokenClaims): Promise<Principal> {
    return this.principals.fromClaims(claims);
  }
}
