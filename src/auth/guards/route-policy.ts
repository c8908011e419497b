import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_PERMISSIONS, REQUIRED_ROLES } from '../decorators/auth.decorators.js';

/** What a route's decorators ask of its caller. */
export interface RoutePolicy {
  isPublic: boolean;
  roles: readonly string[];
  permissions: readonly string[];
}

const policies = new WeakMap<object, RoutePolicy>();

/**
 * The route's policy from its @Public, @Roles and @Permissions decorators (handler over
 * class), read once per handler: decorators are fixed at start-up, and reading metadata
 * on every request for every guard is measurable on the shared request path.
 */
export function routePolicy(reflector: Reflector, context: ExecutionContext): RoutePolicy {
  const handler = context.getHandler();
  let policy = policies.get(handler);
  if (!policy) {
    const targets = [handler, context.getClass()];
    policy = {
      isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
      roles: reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets) ?? [],
      permissions:
        reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [],
    };
    policies.set(handler, policy);
  }
  return policy;
}
