import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import {
  ApiProblems,
  ENQUEUES_JOBS,
  type ProblemMap,
} from '../../core/errors/api-problems.decorator.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { AdminController } from '../access/admin-route.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import { USER_NOT_FOUND } from './admin-users.controller.js';
import { DeleteUserUseCase } from './delete-user.use-case.js';
import { AdminRoleDto, AdminUserDto } from './dto/admin-user.dto.js';
import { UserAccessUseCase } from './user-access.use-case.js';
import { UserMailsUseCase } from './user-mails.use-case.js';
import { UserRolesUseCase } from './user-roles.use-case.js';

const KEYCLOAK: ProblemMap = {
  409: {
    [AdminErrorCode.ManagedInKeycloak]:
      'A Keycloak user, and the Keycloak admin service account is not configured: `detail` says where to make the change.',
  },
  502: { [AdminErrorCode.KeycloakRefused]: 'The realm refused the change; nothing changed.' },
  503: {
    [AdminErrorCode.KeycloakUnavailable]: {
      description: 'Keycloak could not be reached; nothing changed.',
      headers: ['Retry-After'],
    },
  },
};
const SELF: ProblemMap = {
  409: { [AdminErrorCode.SelfAction]: 'Administrators cannot do this to themselves.' },
};
const LAST_ADMIN: ProblemMap = {
  409: {
    [AdminErrorCode.LastAdmin]: 'It would leave Meridian without an active administrator.',
  },
};
const UNKNOWN_ROLE: ProblemMap = {
  400: {
    [AdminErrorCode.UnknownRole]: 'Not `admin`, `premium` or a role named in ROLE_PERMISSIONS.',
  },
};
const LOCAL_ONLY: ProblemMap = {
  409: {
    [AdminErrorCode.NotLocalAccount]: 'The user signs in through Keycloak.',
    [AdminErrorCode.UserDisabled]: 'The account is disabled.',
  },
};

/** What administrators do to a user; each action is audited in its own transaction. */
@AdminController()
@Controller('admin/users/:id')
export class AdminUserActionsController {
  constructor(
    private readonly roles: UserRolesUseCase,
    private readonly access: UserAccessUseCase,
    private readonly mails: UserMailsUseCase,
    private readonly deletion: DeleteUserUseCase,
  ) {}

  @Post('roles')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant a role (Keycloak users: a realm role mapping first).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiProblems({ ...USER_NOT_FOUND, ...UNKNOWN_ROLE })
  @ApiProblems(KEYCLOAK)
  grantAdminUserRole(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: AdminRoleDto,
  ): Promise<AdminUserDto> {
    return this.roles.grant(principal.userId, id, body.role);
  }

  @Delete('roles/:role')
  @ApiOperation({ summary: 'Revoke a role; an admin cannot demote themself or the last admin.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'role', example: 'premium' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiProblems({ ...USER_NOT_FOUND, ...UNKNOWN_ROLE })
  @ApiProblems(SELF)
  @ApiProblems(LAST_ADMIN)
  @ApiProblems(KEYCLOAK)
  revokeAdminUserRole(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Param('role') role: string,
  ): Promise<AdminUserDto> {
    return this.roles.revoke(principal.userId, id, role);
  }

  @Post('disable')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Disable: every session revoked and every access token refused at once (Keycloak users: disabled and signed out in the realm).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiProblems(USER_NOT_FOUND)
  @ApiProblems(SELF)
  @ApiProblems(LAST_ADMIN)
  @ApiProblems(KEYCLOAK)
  disableAdminUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<AdminUserDto> {
    return this.access.disable(principal.userId, id);
  }

  @Post('enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled user.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiProblems(USER_NOT_FOUND)
  @ApiProblems(KEYCLOAK)
  enableAdminUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<AdminUserDto> {
    return this.access.enable(principal.userId, id);
  }

  @Post('sign-out')
  @HttpCode(204)
  @ApiOperation({ summary: 'Force sign-out: every session and access token of the user ends.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Signed out everywhere.' })
  @ApiProblems(USER_NOT_FOUND)
  @ApiProblems(KEYCLOAK)
  signOutAdminUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<void> {
    return this.access.signOut(principal.userId, id);
  }

  @Post('password-reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mail the user a password-reset link (local accounts).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'The mail is on its way.' })
  @ApiProblems(USER_NOT_FOUND)
  @ApiProblems(LOCAL_ONLY)
  @ApiProblems(ENQUEUES_JOBS)
  sendAdminUserPasswordReset(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<void> {
    return this.mails.sendPasswordReset(principal.userId, id);
  }

  @Post('verification')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mail the user a new email-verification link (local accounts).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'The mail is on its way.' })
  @ApiProblems(USER_NOT_FOUND)
  @ApiProblems(LOCAL_ONLY)
  @ApiProblems({ 409: { [AdminErrorCode.AlreadyVerified]: 'The address is already verified.' } })
  @ApiProblems(ENQUEUES_JOBS)
  resendAdminUserVerification(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<void> {
    return this.mails.resendVerification(principal.userId, id);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: "Delete the user and their data (every feature's deletion hook), audited.",
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(USER_NOT_FOUND)
  @ApiProblems(SELF)
  @ApiProblems(LAST_ADMIN)
  deleteAdminUser(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<void> {
    return this.deletion.execute(principal.userId, id);
  }
}
