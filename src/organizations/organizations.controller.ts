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
  CreateOrganizationDto,
  OrganizationDto,
  RenameOrganizationDto,
} from './dto/organization.dto.js';
import { OrganizationsService } from './organizations.service.js';

const NOT_FOUND = 'ORGANIZATION_NOT_FOUND: no such organization, or the caller is not a member.';

/** Organizations the caller belongs to. Members: OrganizationMembersController. */
@ApiTags('organizations')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ type: ProblemDetails, description: 'No valid bearer token.' })
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
  @ApiNotFoundResponse({ type: ProblemDetails, description: NOT_FOUND })
  getOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
  ): Promise<OrganizationDto> {
    return this.organizations.get(principal.userId, orgId);
  }

  @Patch(':orgId')
  @ApiOperation({ summary: 'Rename the organization (owners and admins).' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiForbiddenResponse({ type: ProblemDetails, description: 'ORGANIZATION_ROLE_REQUIRED' })
  @ApiNotFoundResponse({ type: ProblemDetails, description: NOT_FOUND })
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
  @ApiForbiddenResponse({ type: ProblemDetails, description: 'ORGANIZATION_ROLE_REQUIRED' })
  @ApiNotFoundResponse({ type: ProblemDetails, description: NOT_FOUND })
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
  @ApiNotFoundResponse({ type: ProblemDetails, description: NOT_FOUND })
  @ApiConflictResponse({ type: ProblemDetails, description: 'LAST_OWNER' })
  async leaveOrganization(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
  ): Promise<void> {
    await this.organizations.leave(principal.userId, orgId);
  }
}
