import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ParseUuidPipe } from '../core/http/parse-uuid.pipe.js';
import { ApiPageResponse, type PageDto } from '../core/pagination/page.js';
import { ApiProblems, ENQUEUES_JOBS } from '../core/errors/api-problems.decorator.js';
import { AuthErrorCode } from './auth-error-codes.js';
import {
  LOCAL_ACCOUNTS_ONLY,
  ONE_TIME_TOKEN_INVALID,
  REGISTRATION_CLOSED,
  WEAK_PASSWORD,
} from './auth-problems.js';
import { clientInfo } from './client-info.js';
import { CurrentPrincipal, Public, Roles } from './decorators/auth.decorators.js';
import { ACCEPTED, AcceptedDto, AcceptInviteDto, EmailDto } from './dto/account-flows.dto.js';
import { TokenPairDto } from './dto/auth.dto.js';
import { ListWaitlistQueryDto, WaitlistEntryDto } from './dto/waitlist.dto.js';
import { InvitationService } from './invitation.service.js';
import type { Principal } from './principal.js';
import { WaitlistAdminService } from './waitlist-admin.service.js';
import { WaitlistService } from './waitlist.service.js';

const WAITLIST_DECISION = {
  404: { [AuthErrorCode.WaitlistEntryNotFound]: 'No waitlist entry with this id.' },
  409: { [AuthErrorCode.WaitlistEntryDecided]: 'The entry was already approved or rejected.' },
};

@ApiTags('auth')
@Controller('auth')
export class WaitlistController {
  constructor(
    private readonly waitlist: WaitlistService,
    private readonly admin: WaitlistAdminService,
    private readonly invitations: InvitationService,
  ) {}

  @Public()
  @Post('waitlist')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Join the waitlist (idempotent; the answer is the same for every address).',
    description: '403 REGISTRATION_CLOSED when registration is closed.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(REGISTRATION_CLOSED)
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems(ENQUEUES_JOBS)
  async joinWaitlist(@Body() body: EmailDto): Promise<AcceptedDto> {
    await this.waitlist.requestAccess(body.email);
    return ACCEPTED;
  }

  @Get('waitlist')
  @Roles('admin')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Waitlist entries, oldest first (admin).' })
  @ApiPageResponse(WaitlistEntryDto)
  listWaitlist(@Query() query: ListWaitlistQueryDto): Promise<PageDto<WaitlistEntryDto>> {
    return this.admin.list(query.cursor, query.limit, query.status);
  }

  @Post('waitlist/:id/approve')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Approve an entry: mails a single-use invitation link (valid 7 days) (admin).',
    description: '404 WAITLIST_ENTRY_NOT_FOUND, 409 WAITLIST_ENTRY_DECIDED when already decided.',
  })
  @ApiOkResponse({ type: WaitlistEntryDto })
  @ApiProblems(WAITLIST_DECISION)
  @ApiProblems(ENQUEUES_JOBS)
  approveWaitlistEntry(
    @Param('id', ParseUuidPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WaitlistEntryDto> {
    return this.admin.approve(id, principal);
  }

  @Post('waitlist/:id/reject')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Reject an entry: mails a polite refusal (admin).',
    description: '404 WAITLIST_ENTRY_NOT_FOUND, 409 WAITLIST_ENTRY_DECIDED when already decided.',
  })
  @ApiOkResponse({ type: WaitlistEntryDto })
  @ApiProblems(WAITLIST_DECISION)
  @ApiProblems(ENQUEUES_JOBS)
  rejectWaitlistEntry(
    @Param('id', ParseUuidPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WaitlistEntryDto> {
    return this.admin.reject(id, principal);
  }

  @Public()
  @Post('accept-invite')
  @ApiOperation({
    summary: 'Create the invited account with a password and sign in.',
    description:
      '400 ONE_TIME_TOKEN_INVALID for an unknown, used or expired invitation, 400 ' +
      'WEAK_PASSWORD for a refused password (the link keeps working), 409 EMAIL_TAKEN ' +
      'when the address already has an account.',
  })
  @ApiCreatedResponse({ type: TokenPairDto })
  @ApiProblems(ONE_TIME_TOKEN_INVALID)
  @ApiProblems(WEAK_PASSWORD)
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems({ 409: { [AuthErrorCode.EmailTaken]: 'The address already has an account.' } })
  acceptInvite(@Body() body: AcceptInviteDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.invitations.acceptInvite(body, clientInfo(req));
  }
}
