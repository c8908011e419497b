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
  CreateOrganizationDto,
  OrganizationDto,
  RenameOrganizationDto,
} from './dto/organization.dto.js';
import { OrganizationsService } from './organizations.service.js';

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

/** Organizations the caller belongs to. Members: OrganizationMembersController. */
@ApiTags('organizations')
@ApiBearerAuth('bearer')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an organization; the caller becomes its owner.' })
  @ApiCreatedResponse({ type: OrganizationDto })
  createOrganization(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateOrganizationDto,
  ): Promise<OrganizationDto> {
    return this.organizations.create(principal.userId, body.name);
  }

  @Get()
  @ApiOperation({ summary: "The caller's organizations, newest first, with the caller's role." })
  @ApiPageResponse(OrganizationDto)
  listOrganizations(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<OrganizationDto>> {
    return this.organizations.list(principal.userId, query.cursor, query.limit);
  }

  @Get(':orgId')
  @ApiOperation({ summary: "One organization the caller belongs to, with the caller's role." })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(NOT_FOUND)
  getOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
  ): Promise<OrganizationDto> {
    return this.organizations.get(principal.userId, orgId);
  }

  @Patch(':orgId')
  @ApiOperation({ summary: 'Rename the organization (owners and admins).' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(NOT_FOUND)
  renameOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Body() body: RenameOrganizationDto,
  ): Promise<OrganizationDto> {
    return this.organizations.rename(principal.userId, orgId, body.name);
  }

  @Delete(':orgId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the organization and its memberships (owners only).' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(NOT_FOUND)
  async deleteOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
  ): Promise<void> {
    await this.organizations.delete(principal.userId, orgId);
  }

  @Post(':orgId/leave')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Leave the organization. The last owner cannot leave while others remain; the last member leaving deletes it.',
  })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiProblems(NOT_FOUND)
  @ApiProblems(LAST_OWNER)
  async leaveOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
  ): Promise<void> {
    await this.organizations.leave(principal.userId, orgId);
  }
}
