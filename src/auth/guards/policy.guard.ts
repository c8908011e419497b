import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../../core/errors/app.exception.js';
import { AuthErrorCode } from '../auth-error-codes.js';
import type { RequestWithPrincipal } from '../decorators/auth.decorators.js';
import { routePolicy } from './route-policy.js';

/** Enforces @Roles (any of) and @Permissions (all of) after authentication. */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const { isPublic, roles, permissions } = routePolicy(this.reflector, context);
    if (isPublic) return true;
    const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().user;
    if (!principal) return false;
    if (roles.length > 0 && !roles.some((r) => principal.roles.includes(r))) {
      throw new AppException(
        403,
        AuthErrorCode.MissingRole,
        `This needs one of the roles: ${roles.join(', ')}.`,
      );
    }
    const missing = permissions.filter((p) => !principal.permissions.includes(p));
    if (missing.length > 0) {
      throw new AppException(
        403,
        AuthErrorCode.MissingPermission,
        `This needs the permissions: ${missing.join(', ')}.`,
      );
    }
    return true;
  }
}
