import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../../core/errors/app.exception.js';
import { Permissions, Public, Roles } from '../decorators/auth.decorators.js';
import type { Principal } from '../principal.js';
import { PolicyGuard } from './policy.guard.js';

class Routes {
  @Public() open(): void {}
  @Roles('admin', 'support') staff(): void {}
  @Permissions('migrations:read', 'migrations:execute') migrate(): void {}
  anyone(): void {}
}

const principal = (roles: string[], permissions: string[]): Principal => ({
  userId: 'u',
  issuer: 'i',
  subject: 's',
  account: { emailVerified: true, localAccount: true, createdAt: new Date(0).toISOString() },
  email: null,
  emailVerified: false,
  name: null,
  roles,
  permissions,
  issuedAt: 0,
});

function context(handler: keyof Routes, user?: Principal): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ user }) }),
  } as unknown as ExecutionContext;
}

const guard = new PolicyGuard(new Reflector());
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppException ? err.code : 'other';
  }
  return undefined;
};

describe('PolicyGuard', () => {
  it('lets public routes through without a principal', () => {
    expect(guard.canActivate(context('open'))).toBe(true);
  });

  it('needs any one of the roles', () => {
    expect(guard.canActivate(context('staff', principal(['support'], [])))).toBe(true);
    expect(code(() => guard.canActivate(context('staff', principal(['user'], []))))).toBe(
      'MISSING_ROLE',
    );
  });

  it('needs every permission', () => {
    expect(
      guard.canActivate(
        context('migrate', principal([], ['migrations:read', 'migrations:execute'])),
      ),
    ).toBe(true);
    expect(
      code(() => guard.canActivate(context('migrate', principal([], ['migrations:read'])))),
    ).toBe('MISSING_PERMISSION');
  });

  it('lets any authenticated caller use a route without policy', () => {
    expect(guard.canActivate(context('anyone', principal([], [])))).toBe(true);
  });
});
