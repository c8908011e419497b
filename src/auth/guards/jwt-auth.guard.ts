import { Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppException } from '../../core/errors/app.exception.js';
import { IS_PUBLIC } from '../decorators/auth.decorators.js';
import { AuthErrorCode } from '../auth-error-codes.js';
import { unauthorized } from '../principal.service.js';

/** The one global guard that turns a bearer token into a principal; @Public() routes skip it. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger('Auth');

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof AppException) throw err;
    if (user && !err) return user;
    const reason = err ?? info;
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
