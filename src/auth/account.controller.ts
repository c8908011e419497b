import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AccountDeletionService } from './account-deletion.service.js';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { AuthErrorCode } from './auth-error-codes.js';
import {
  NOT_LOCAL_ACCOUNT,
  ONE_TIME_TOKEN_INVALID,
  PASSWORD_CHECKED,
  WEAK_PASSWORD,
} from './auth-problems.js';
import { ENQUEUES_JOBS } from '../core/errors/api-problems.decorator.js';
import { clientInfo } from './client-info.js';
import { CurrentPrincipal, Public } from './decorators/auth.decorators.js';
import {
  ACCEPTED,
  AcceptedDto,
  ChangeEmailDto,
  ChangePasswordDto,
  ConfirmPasswordDto,
  OneTimeTokenDto,
} from './dto/account-flows.dto.js';
import { TokenPairDto } from './dto/auth.dto.js';
import { EmailChangeService } from './email-change.service.js';
import { PasswordChangeService } from './password-change.service.js';
import type { Principal } from './principal.js';

/** The signed-in user's own local account: password, email address, deletion. */
@ApiTags('auth')
@Controller('auth')
export class AccountController {
  constructor(
    private readonly passwordChange: PasswordChangeService,
    private readonly emailChange: EmailChangeService,
    private readonly deletion: AccountDeletionService,
  ) {}

  @Post('me/password')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Change the password; ends every session and returns a new token pair.',
    description:
      'currentPassword is checked like a sign-in (401 INVALID_CREDENTIALS, throttled: 429 ' +
      'TOO_MANY_ATTEMPTS); a refused new password is 400 WEAK_PASSWORD. The account gets a ' +
      'notice by mail.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems(NOT_LOCAL_ACCOUNT)
  @ApiProblems(WEAK_PASSWORD)
  @ApiProblems(PASSWORD_CHECKED)
  @ApiProblems(ENQUEUES_JOBS)
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Req() req: FastifyRequest,
  ): Promise<TokenPairDto> {
    return this.passwordChange.changePassword(
      principal,
      body.currentPassword,
      body.newPassword,
      clientInfo(req),
    );
  }

  @Post('me/email')
  @HttpCode(202)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Ask to change the email address: the new address gets a confirmation link.',
    description:
      'The address changes only when the link is confirmed (valid 1 hour). 401 ' +
      'INVALID_CREDENTIALS when the password is wrong.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(NOT_LOCAL_ACCOUNT)
  @ApiProblems(PASSWORD_CHECKED)
  @ApiProblems(ENQUEUES_JOBS)
  async changeEmail(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangeEmailDto,
    @Req() req: FastifyRequest,
  ): Promise<AcceptedDto> {
    await this.emailChange.requestEmailChange(
      principal,
      body.newEmail,
      body.password,
      clientInfo(req),
    );
    return ACCEPTED;
  }

  @Public()
  @Post('confirm-email-change')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Confirm a new email address with the token from the link; it is then verified.',
    description:
      '400 ONE_TIME_TOKEN_INVALID for an unknown, used or expired token, 409 EMAIL_TAKEN ' +
      'when another account uses the address (the link keeps working).',
  })
  @ApiNoContentResponse({ description: 'The email address is changed' })
  @ApiProblems(ONE_TIME_TOKEN_INVALID)
  @ApiProblems({
    409: {
      [AuthErrorCode.EmailTaken]: 'Another account uses the address (the link keeps working).',
    },
  })
  async confirmEmailChange(@Body() body: OneTimeTokenDto): Promise<void> {
    await this.emailChange.confirmEmailChange(body.token);
  }

  @Post('me/delete')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: "Delete the caller's account and its data, confirmed by password.",
    description: '401 INVALID_CREDENTIALS when the password is wrong.',
  })
  @ApiNoContentResponse({ description: 'The account is deleted' })
  @ApiProblems(NOT_LOCAL_ACCOUNT)
  @ApiProblems(PASSWORD_CHECKED)
  async deleteAccount(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ConfirmPasswordDto,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.deletion.deleteAccount(principal, body.password, clientInfo(req));
  }
}
