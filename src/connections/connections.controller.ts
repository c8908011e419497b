import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
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
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, PageQueryDto, type PageDto } from '../core/pagination/page.js';
import { OrganizationErrorCode } from '../organizations/organizations.errors.js';
import { ConnectionErrorCode } from './connections.errors.js';
import { ConnectionsService } from './connections.service.js';
import {
  ConnectionDto,
  ConnectionEventDto,
  ConnectionHealthDto,
  CreateConnectionDto,
  HealthQueryDto,
  ListConnectionsQueryDto,
  RepositoryDto,
  RepositorySyncDto,
  UpdateConnectionStatusDto,
} from './dto/connection.dto.js';
import { ReplaceCredentialsDto } from './dto/credentials.dto.js';
import { ConnectionRepositoriesService } from './connection-repositories.service.js';

const NOT_FOUND = {
  404: {
    [ConnectionErrorCode.NotFound]:
      'No such connection, or the caller is not a member of its organization.',
  },
};
const ORG_NOT_FOUND = {
  404: { [OrganizationErrorCode.NotFound]: 'No such organization, or the caller is not a member.' },
};
const ROLE_REQUIRED = {
  403: {
    [OrganizationErrorCode.RoleRequired]: 'Only owners and admins of the organization may do this.',
  },
};
const UPSTREAM = {
  422: {
    [ConnectionErrorCode.CredentialRejected]: {
      description:
        'The service refused the credential (invalid, revoked, no such installation); nothing was stored.',
      extensions: { upstreamCode: { type: 'string' } },
    },
  },
  503: {
    [ConnectionErrorCode.ServiceUnavailable]: {
      description:
        'The service answered 5xx, timed out or could not be reached; nothing was stored.',
      headers: ['Retry-After' as const],
      extensions: { upstreamCode: { type: 'string' } },
    },
    [ConnectionErrorCode.GitHubRateLimited]: {
      description: "GitHub's rate limit was met.",
      headers: ['Retry-After' as const],
    },
  },
};
const KIND = {
  400: {
    [ConnectionErrorCode.KindMismatch]: 'The credential kind does not belong to the service.',
  },
};

/** Service connections of organizations (GitHub, Slack). */
@ApiTags('connections')
@ApiBearerAuth('bearer')
@Controller()
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly repositories: ConnectionRepositoriesService,
  ) {}

  @Post('connections')
  @ApiOperation({
    summary:
      'Connect a service: the credential is checked with the service before anything is stored (owners and admins).',
  })
  @ApiCreatedResponse({ type: ConnectionDto })
  @ApiProblems(KIND)
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(ORG_NOT_FOUND)
  @ApiProblems({
    409: {
      [ConnectionErrorCode.AlreadyExists]:
        'The organization already has a connection to this installation or workspace.',
    },
  })
  @ApiProblems(UPSTREAM)
  @ApiProblems({
    503: {
      [ConnectionErrorCode.GitHubAppNotConfigured]:
        'The GitHub App is not configured on this server.',
    },
  })
  createConnection(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateConnectionDto,
  ): Promise<ConnectionDto> {
    return this.connections.create(principal.userId, body);
  }

  @Get('connections/:id')
  @ApiOperation({ summary: 'One connection (members of its organization).' })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiProblems(NOT_FOUND)
  getConnection(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<ConnectionDto> {
    return this.connections.get(principal.userId, id);
  }

  @Get('organizations/:orgId/connections')
  @ApiOperation({
    summary: "The organization's connections, newest first, filtered by service and status.",
  })
  @ApiPageResponse(ConnectionDto)
  @ApiProblems(ORG_NOT_FOUND)
  listOrganizationConnections(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', ParseUuidPipe) orgId: string,
    @Query() query: ListConnectionsQueryDto,
  ): Promise<PageDto<ConnectionDto>> {
    return this.connections.list(
      principal.userId,
      orgId,
      { service: query.service, status: query.status },
      query.cursor,
      query.limit,
    );
  }

  @Patch('connections/:id/status')
  @ApiOperation({
    summary:
      'Disable a connection, or re-enable a disabled one (a check runs first; if it fails the connection stays disabled).',
  })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(NOT_FOUND)
  @ApiProblems({
    409: {
      [ConnectionErrorCode.TransitionNotAllowed]: {
        description:
          'That status cannot be set by hand from the current one; `allowed` lists what can.',
        extensions: { allowed: { type: 'array', items: { type: 'string' } } },
      },
    },
    422: {
      [ConnectionErrorCode.CheckFailed]: {
        description: "Re-enabling ran a check and it failed; `checkCode` is the check's code.",
        extensions: { checkCode: { type: 'string', nullable: true } },
      },
    },
  })
  updateConnectionStatus(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: UpdateConnectionStatusDto,
  ): Promise<ConnectionDto> {
    return this.connections.updateStatus(principal.userId, id, body.status, body.reason);
  }

  @Delete('connections/:id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a connection: revokes upstream where possible, deletes the credential, keeps the event history.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(NOT_FOUND)
  async deleteConnection(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<void> {
    await this.connections.delete(principal.userId, id);
  }

  @Get('connections/:id/health')
  @ApiOperation({
    summary: 'The last health result and the kept history; `refresh=true` runs a check now.',
  })
  @ApiOkResponse({ type: ConnectionHealthDto })
  @ApiProblems(NOT_FOUND)
  @ApiProblems({
    429: {
      [ConnectionErrorCode.RefreshTooSoon]: {
        description:
          'A check ran for this connection less than CONNECTION_HEALTH_REFRESH_MIN_MS ago.',
        headers: ['Retry-After'],
      },
    },
  })
  getConnectionHealth(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: HealthQueryDto,
  ): Promise<ConnectionHealthDto> {
    return this.connections.healthOf(principal.userId, id, query.refresh === true);
  }

  @Put('connections/:id/credentials')
  @ApiOperation({
    summary:
      'Replace or rotate the credential; it is checked with the service before it is stored.',
  })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiProblems(KIND)
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(NOT_FOUND)
  @ApiProblems(UPSTREAM)
  @ApiProblems({
    503: {
      [ConnectionErrorCode.GitHubAppNotConfigured]:
        'The GitHub App is not configured on this server.',
    },
  })
  replaceConnectionCredentials(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Body() body: ReplaceCredentialsDto,
  ): Promise<ConnectionDto> {
    return this.connections.replaceCredentials(principal.userId, id, body.credentials);
  }

  @Get('connections/:id/events')
  @ApiOperation({ summary: "The connection's status transitions, newest first." })
  @ApiPageResponse(ConnectionEventDto)
  @ApiProblems(NOT_FOUND)
  listConnectionEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<ConnectionEventDto>> {
    return this.connections.events(principal.userId, id, query.cursor, query.limit);
  }

  @Get('connections/:id/repositories')
  @ApiOperation({ summary: 'The repositories the connection reaches, by full name.' })
  @ApiPageResponse(RepositoryDto)
  @ApiProblems(NOT_FOUND)
  listConnectionRepositories(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<PageDto<RepositoryDto>> {
    return this.repositories.list(principal.userId, id, query.cursor, query.limit);
  }

  @Post('connections/:id/repositories/sync')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bring the repository records in step with the service now (owners and admins).',
  })
  @ApiOkResponse({ type: RepositorySyncDto })
  @ApiProblems(ROLE_REQUIRED)
  @ApiProblems(NOT_FOUND)
  @ApiProblems({
    409: {
      [ConnectionErrorCode.NoRepositories]: 'This service has no repositories.',
      [ConnectionErrorCode.NotUsable]: 'The connection is disabled or revoked.',
    },
  })
  @ApiProblems(UPSTREAM)
  syncConnectionRepositories(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUuidPipe) id: string,
  ): Promise<RepositorySyncDto> {
    return this.repositories.syncFor(principal.userId, id);
  }
}
