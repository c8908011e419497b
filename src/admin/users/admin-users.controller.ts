import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../../core/errors/error-codes.js';
import { ParseUuidPipe } from '../../core/http/parse-uuid.pipe.js';
import { AdminController } from '../access/admin-route.decorator.js';
import { AdminErrorCode } from '../admin.errors.js';
import {
  AdminUserDetailDto,
  AdminUserPageDto,
  ListAdminUsersQueryDto,
} from './dto/admin-user.dto.js';
import { ListUsersUseCase } from './list-users.use-case.js';
import { UserDetailUseCase } from './user-detail.use-case.js';

export const USER_NOT_FOUND = { 404: { [AdminErrorCode.UserNotFound]: 'No user has this id.' } };

/** Administrators find and inspect users (local accounts and Keycloak users alike). */
@AdminController()
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly listing: ListUsersUseCase,
    private readonly detail: UserDetailUseCase,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Search and list users, with filters, one of the allowed sorts and a total.',
  })
  @ApiOkResponse({ type: AdminUserPageDto })
  @ApiProblems({
    400: {
      [AdminErrorCode.InvalidRange]: 'A `...From` is not before its `...To`.',
      [CoreErrorCode.ValidationFailed]:
        'An unknown parameter, a sort outside the allowed ones, a malformed date or cursor.',
    },
  })
  listAdminUsers(@Query() query: ListAdminUsersQueryDto): Promise<AdminUserPageDto> {
    return this.listing.execute(query);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      "One user: profile, roles, status, identity source, organizations, sessions, the last 30 days' usage and other features' counts.",
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AdminUserDetailDto })
  @ApiProblems(USER_NOT_FOUND)
  getAdminUser(@Param('id', ParseUuidPipe) id: string): Promise<AdminUserDetailDto> {
    return this.detail.execute(id);
  }
}
