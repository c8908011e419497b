import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { OrganizationErrorCode } from './organizations.errors.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import {
  AddOrganizationMemberDto,
  ChangeOrganizationMemberRoleDto,
  OrganizationMemberDto,
} from './dto/organization-member.dto.js';
import { OrganizationMembersService } from './organization-members.service.js';

const NOT_FOUND = {
  404: {
    [OrganizationErrorCode.NotFound]: 'No such organization, or the caller is not a member.',
  },
};
const ROLE_REQUIRED = {
  403: {
    [OrganizationErrorCode.RoleRequired]: "The caller's organization role does not allow this.",
  },
};
const LAST_OWNER = {
  409: { [OrganizationErrorCode.LastOwner]: 'The organization would be left without an owner.' },
};
const MEMBER_NOT_FOUND = {
  404: { [OrganizationErrorCode.MemberNotFound]: 'The user is not a member of the organization.' },
};

/** Members of an organization and their roles (owner, admin, member). */
@ApiTags('organizations')
@ApiBearerAuth('bearer')
@ApiProblems(NOT_FOUND)
@Controller('organizations/:orgId/members')
export class OrganizationMembersController {
  constructor(private readonly members: OrganizationMembersService) {}

  @Get()
  @ApiOperation({ summary: 'Members with their roles, longest-standing first.' })
  @ApiPageResponse(OrganizationMemberDto)
  listOrganizationMembers(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<OrganizationMemberDto>> {
    return this.members.list(principal.userId, orgId, query.cursor, query.limit);
  }

  @Post()
  @ApiOperation({
    summary: "Add an existing user by email (owners and admins; adding an 'owner' needs an owner).",
  })
  @ApiCreatedResponse({ type: OrganizationMemberDto })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems({
    404: {
      [OrganizationErrorCode.UserNotFound]:
        'No user has this email address (they need to sign in to Meridian once first).',
    },
    409: { [OrganizationErrorCode.AlreadyMember]: 'The user is already a member.' },
  })
  addOrganizationMember(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Body() body: AddOrganizationMemberDto,
  ): Promise<OrganizationMemberDto> {
    return this.members.add(principal.userId, orgId, body.email, body.role);
  }

  @Patch(':userId')
  @ApiOperation({
    summary:
      "Change a member's role (owners and admins; only owners grant or take 'owner'; the last owner cannot be demoted).",
  })
  @ApiOkResponse({ type: OrganizationMemberDto })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(LAST_OWNER)
  @ApiProblems(MEMBER_NOT_FOUND)
  changeOrganizationMemberRole(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Param('userId', ParseUuidPipe) userId: string,
    @Body() body: ChangeOrganizationMemberRoleDto,
  ): Promise<OrganizationMemberDto> {
    return this.members.changeRole(principal.userId, orgId, userId, body.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a member (owners and admins; admins cannot remove owners; the last owner cannot be removed).',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(LAST_OWNER)
  @ApiProblems(MEMBER_NOT_FOUND)
  async removeOrganizationMember(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Param('userId', ParseUuidPipe) userId: string,
  ): Promise<void> {
    await this.members.remove(principal.userId, orgId, userId);
  }
}
