import { Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Public } from '../../auth/decorators/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ApiProblems } from '../../core/errors/api-problems.decorator.js';
import { OrganizationErrorCode } from '../../organizations/organizations.errors.js';
import { ConnectionErrorCode } from '../connections.errors.js';
import {
  GitHubCallbackQueryDto,
  InstallQueryDto,
  InstallResultDto,
  InstallUrlDto,
  SlackCallbackQueryDto,
} from '../dto/install.dto.js';
import { InstallService } from './install.service.js';

const ORG = {
  403: {
    [OrganizationErrorCode.RoleRequired]: 'Only owners and admins of the organization may do this.',
  },
  404: { [OrganizationErrorCode.NotFound]: 'No such organization, or the caller is not a member.' },
};
const STATE = {
  400: {
    [ConnectionErrorCode.InstallStateInvalid]:
      'The state is missing, forged, expired, for another service, or used already.',
  },
};
const UPSTREAM = {
  422: {
    [ConnectionErrorCode.CredentialRejected]: {
      description: 'The service refused the installation or code.',
      extensions: { upstreamCode: { type: 'string' } },
    },
  },
  503: {
    [ConnectionErrorCode.ServiceUnavailable]: {
      description: 'The service could not be reached.',
      headers: ['Retry-After' as const],
      extensions: { upstreamCode: { type: 'string' } },
    },
    [ConnectionErrorCode.GitHubRateLimited]: {
      description: "GitHub's rate limit was met.",
      headers: ['Retry-After' as const],
    },
  },
};

function respond(
  reply: FastifyReply,
  location: string | null,
  result: InstallResultDto,
): InstallResultDto {
  if (location) void reply.status(302).header('location', location);
  return result;
}

/** Browser install flows. The callbacks are public: the signed state is their authentication. */
@ApiTags('connections')
@Controller('connections')
export class InstallController {
  constructor(private readonly install: InstallService) {}

  @Get('github/install')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'The GitHub App installation URL with a signed, single-use state (owners and admins).',
  })
  @ApiOkResponse({ type: InstallUrlDto })
  @ApiProblems(ORG)
  @ApiProblems({
    503: {
      [ConnectionErrorCode.GitHubAppNotConfigured]:
        'The GitHub App is not configured on this server.',
    },
  })
  getGitHubInstallUrl(
    @CurrentPrincipal() principal: Principal,
    @Query() query: InstallQueryDto,
  ): Promise<InstallUrlDto> {
    return this.install.githubInstallUrl(principal.userId, query.organizationId);
  }

  @Get('github/callback')
  @Public()
  @ApiOperation({
    summary:
      "Where GitHub sends the browser after an installation: links it to the state's organization.",
  })
  @ApiOkResponse({ type: InstallResultDto, description: 'Linked (APP_URL unset).' })
  @ApiFoundResponse({
    description: 'Linked; redirects to APP_URL.',
    headers: { Location: { schema: { type: 'string' } } },
  })
  @ApiProblems(STATE)
  @ApiProblems(ORG)
  @ApiProblems({
    404: {
      [ConnectionErrorCode.InstallationNotLinked]:
        '`setup_action=update` for an installation no organization linked.',
    },
  })
  @ApiProblems(UPSTREAM)
  @ApiProblems({
    503: {
      [ConnectionErrorCode.GitHubAppNotConfigured]:
        'The GitHub App is not configured on this server.',
    },
  })
  async completeGitHubInstall(
    @Query() query: GitHubCallbackQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InstallResultDto> {
    const result = await this.install.githubCallback(
      Number(query.installation_id),
      query.setup_action,
      query.state,
    );
    return respond(reply, this.install.redirectFor(result), result);
  }

  @Get('slack/install')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary:
      'The Slack OAuth v2 authorize URL with a signed, single-use state (owners and admins).',
  })
  @ApiOkResponse({ type: InstallUrlDto })
  @ApiProblems(ORG)
  @ApiProblems({
    503: {
      [ConnectionErrorCode.SlackOAuthNotConfigured]:
        'Slack OAuth is not configured on this server.',
    },
  })
  getSlackInstallUrl(
    @CurrentPrincipal() principal: Principal,
    @Query() query: InstallQueryDto,
  ): Promise<InstallUrlDto> {
    return this.install.slackInstallUrl(principal.userId, query.organizationId);
  }

  @Get('slack/callback')
  @Public()
  @ApiOperation({
    summary:
      'Where Slack sends the browser after OAuth: exchanges the code (oauth.v2.access) and stores the bot token.',
  })
  @ApiOkResponse({ type: InstallResultDto, description: 'Linked (APP_URL unset).' })
  @ApiFoundResponse({
    description: 'Linked; redirects to APP_URL.',
    headers: { Location: { schema: { type: 'string' } } },
  })
  @ApiProblems(STATE)
  @ApiProblems(ORG)
  @ApiProblems(UPSTREAM)
  @ApiProblems({
    503: {
      [ConnectionErrorCode.SlackOAuthNotConfigured]:
        'Slack OAuth is not configured on this server.',
    },
  })
  async completeSlackInstall(
    @Query() query: SlackCallbackQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InstallResultDto> {
    const result = await this.install.slackCallback(query.code, query.state, query.error);
    return respond(reply, this.install.redirectFor(result), result);
  }
}
