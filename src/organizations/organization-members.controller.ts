import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ProblemDetails } from '../core/errors/problem.js';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import {
  AddOrganizationMemberDto,
  ChangeOrganizationMemberRoleDto,
  OrganizationMemberDto,
} from './dto/organization-member.dto.js';
import { OrganizationMembersService } from './organization-members.service.js';

const NOT_FOUND = 'ORGANIZATION_NOT_FOUND: no such organization, or the caller is not a member.';

/** Members of an organization and their roles (owner, admin, member). */
@ApiTags('organizations')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: ProblemDetails, description: 'No valid bearer token.' })
@ApiNotFoundResponse({ type: ProblemDetails, description: NOT_FOUND })
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
  @ApiForbiddenResponse({ type: ProblemDetails, description: 'ORGANIZATION_ROLE_REQUIRED' })
  @ApiConflictResponse({ type: ProblemDetails, description: 'ALREADY_MEMBER' })
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
  @ApiForbiddenResponse({ type: ProblemDetails, description: 'ORGANIZATION_ROLE_REQUIRED' })
  @ApiConflictResponse({ type: ProblemDetails, description: 'LAST_OWNER' })
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
  @ApiForbiddenResponse({ type: ProblemDetails, description: 'ORGANIZATION_ROLE_REQUIRED' })
  @ApiConflictResponse({ type: ProblemDetails, description: 'LAST_OWNER' })
  async removeOrganizationMember(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Param('userId', ParseUuidPipe) userId: string,
  ): Promise<void> {
    await this.members.remove(principal.userId, orgId, userId);
  }
}
