import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthErrorCode } from '../../auth/auth-error-codes.js';
import { Roles } from '../../auth/decorators/auth.decorators.js';
import { ApiProblems, type ProblemMap } from '../../core/errors/api-problems.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import { AdminAccessGuard, InfrastructureAccess } from './admin-access.guard.js';

/** What admin access adds to every admin route's answers. */
export const ADMIN_ACCESS_PROBLEMS: ProblemMap = {
  401: {
    [AdminErrorCode.TokenInactive]: {
      description: 'OIDC_INTROSPECT_ADMIN: Keycloak says the token is no longer active.',
      headers: ['WWW-Authenticate'],
    },
  },
  503: {
    [AdminErrorCode.IntrospectionUnavailable]: {
      description: 'OIDC_INTROSPECT_ADMIN: Keycloak cannot confirm the token right now.',
      headers: ['Retry-After'],
    },
  },
};

/** An admin controller: bearer token, the `admin` role, introspection when configured. */
export const AdminController = (): ClassDecorator =>
  applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth('bearer'),
    Roles('admin'),
    UseGuards(AdminAccessGuard),
    ApiProblems(ADMIN_ACCESS_PROBLEMS),
  );

/** An infrastructure controller: `admin` role or `infrastructure:admin` permission. */
export const InfrastructureController = (): ClassDecorator =>
  applyDecorators(
    ApiBearerAuth('bearer'),
    InfrastructureAccess(),
    UseGuards(AdminAccessGuard),
    ApiProblems({
      ...ADMIN_ACCESS_PROBLEMS,
      403: {
        [AuthErrorCode.MissingRole]: 'Needs the role admin or the permission infrastructure:admin.',
      },
    }),
  );
