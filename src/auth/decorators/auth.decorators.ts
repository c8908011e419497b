import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../principal.js';

export { Public, IS_PUBLIC } from '../../core/http/public.decorator.js';

export const REQUIRED_ROLES = 'meridian:roles';
export const REQUIRED_PERMISSIONS = 'meridian:permissions';

/** The caller needs at least one of these roles (403 otherwise). */
export const Roles = (...roles: string[]): ClassDecorator & MethodDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The caller needs every one of these permissions (403 otherwise). */
export const Permissions = (...permissions: string[]): ClassDecorator & MethodDecorator =>
  SetMetadata(REQUIRED_PERMISSIONS, permissions);

export type RequestWithPrincipal = FastifyRequest & { user?: Principal };

/** Injects the authenticated caller. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => {
    const request = ctx.switchToHttp().getRequest<RequestWithPrincipal>();
    if (!request.user) throw new Error('CurrentPrincipal used on a route without authentication');
    return request.user;
  },
);
