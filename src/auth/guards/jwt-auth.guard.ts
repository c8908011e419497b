import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { AppException } from '../../core/errors/app.exception.js';
import {
  databaseUnavailable,
  identityProviderUnavailable,
  isDatabaseUnavailable,
} from '../../core/errors/dependency-errors.js';
import { KeySetUnavailable } from '../remote-jwks.js';
import type { RequestWithPrincipal } from '../decorators/auth.decorators.js';
import { routePolicy } from './route-policy.js';
import { AuthErrorCode } from '../auth-error-codes.js';
import { BEARER, JwtStrategy } from '../jwt.strategy.js';
import { VerifiedTokens } from '../verified-tokens.js';
import type { Principal } from '../principal.js';
import { PrincipalService, unauthorized } from '../principal.service.js';

/**
 * The one global guard that turns a bearer token into a principal; @Public() routes skip
 * it. It hands passport this application's strategy instance (not a name in passport's
 * process-wide registry), so several applications in one process never share one.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
    private readonly verified: VerifiedTokens,
    private readonly principals: PrincipalService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routePolicy(this.reflector, context).isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithPrincipal>();
    // A token this process verified moments ago needs no second signature check; the
    // caller's state is still checked (PrincipalService).
    const raw = BEARER(request);
    const known = raw ? this.verified.get(raw) : undefined;
    if (known) {
      try {
        request.user = await this.principals.fromClaims(known);
      } catch (err) {
        request.user = this.handleResult(err, false, undefined);
      }
      return true;
    }
    // passport decorates the strategy object it is given with per-request callbacks, so
    // each request gets its own object inheriting from this application's strategy.
    const perRequest = Object.create(this.strategy) as passport.Strategy;
    request.user = await new Promise<Principal>((resolve, reject) => {
      const middleware = passport.authenticate(
        perRequest,
        { session: false },
        (err: unknown, user: Principal | false, info: unknown) => {
          try {
            resolve(this.handleResult(err, user, info));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        },
      ) as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
      middleware(request, http.getResponse(), (err?: unknown) =>
        reject(err instanceof Error ? err : new Error(String(err))),
      );
    });
    return true;
  }

  private handleResult(err: unknown, user: Principal | false, info: unknown): Principal {
    if (err instanceof AppException) throw err;
    if (user && !err) return user;
    const reason = err ?? info;
    // "I cannot check right now" is not "this token is bad": a 401 would make clients
    // drop sessions that are valid.
    if (reason instanceof KeySetUnavailable) {
      this.logger.warn(`cannot verify tokens: ${reason.message}`);
      throw identityProviderUnavailable(reason);
    }
    if (isDatabaseUnavailable(reason)) throw databaseUnavailable(reason);
    const message = reason instanceof Error ? reason.message : String(reason);
    this.logger.debug(`token refused: ${message}`);
    if (reason instanceof Error && reason.name === 'TokenExpiredError') {
      throw unauthorized(AuthErrorCode.TokenExpired, 'The access token has expired.');
    }
    if (message === 'No auth token') {
      throw new AppException(401, AuthErrorCode.AuthRequired, 'This route needs a bearer token.', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    throw unauthorized(AuthErrorCode.TokenInvalid, 'The access token is invalid.');
  }
}
