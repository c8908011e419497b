import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthErrorCode } from '../../auth/auth-error-codes.js';
import type { RequestWithPrincipal } from '../../auth/decorators/auth.decorators.js';
import { AppException } from '../../core/errors/app.exception.js';
import { TokenIntrospection } from './token-introspection.service.js';

export const INFRASTRUCTURE_ACCESS = 'meridian:infrastructure-access';
export const INFRASTRUCTURE_PERMISSION = 'infrastructure:admin';

/** The route is open to the `admin` role or the `infrastructure:admin` permission. */
export const InfrastructureAccess = (): ClassDecorator & MethodDecorator =>
  SetMetadata(INFRASTRUCTURE_ACCESS, true);

/**
 * Runs after the global guards on admin and infrastructure routes: checks
 * InfrastructureAccess, then (OIDC_INTROSPECT_ADMIN=true) introspects Keycloak tokens.
 */
@Injectable()
export class AdminAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly introspection: TokenIntrospection,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const principal = request.user;
    if (!principal) return false;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(INFRASTRUCTURE_ACCESS, targets)) {
      const allowed =
        principal.roles.includes('admin') ||
        principal.permissions.includes(INFRASTRUCTURE_PERMISSION);
      if (!allowed) {
        throw new AppException(
          403,
          AuthErrorCode.MissingRole,
          'This needs the role admin or the permission infrastructure:admin.',
        );
      }
    }
    if (this.introspection.appliesTo(principal.issuer)) {
      const header = request.headers.authorization ?? '';
      await this.introspection.assertActive(header.replace(/^Bearer\s+/i, ''));
    }
    return true;
  }
}
