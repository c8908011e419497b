import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems, ENQUEUES_JOBS } from '../core/errors/api-problems.decorator.js';
import {
  LOCAL_ACCOUNTS_ONLY,
  NOT_LOCAL_ACCOUNT,
  ONE_TIME_TOKEN_INVALID,
  REGISTRATION_CLOSED,
  WEAK_PASSWORD,
} from './auth-problems.js';
import { CurrentPrincipal, Public } from './decorators/auth.decorators.js';
import {
  ACCEPTED,
  AcceptedDto,
  EmailDto,
  OneTimeTokenDto,
  RegisterDto,
  ResetPasswordDto,
} from './dto/account-flows.dto.js';
import { PasswordResetService } from './password-reset.service.js';
import type { Principal } from './principal.js';
import { RegistrationService } from './registration.service.js';

@ApiTags('auth')
@Controller('auth')
export class RegistrationController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly passwordReset: PasswordResetService,
  ) {}

  @Public()
  @Post('register')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create a local account (or join the waitlist, per REGISTRATION_MODE).',
    description:
      'The answer is the same whether or not the address already has an account; the ' +
      'address gets a verification link, or a note that it already has an account. ' +
      '400 WEAK_PASSWORD for a refused password, 403 REGISTRATION_CLOSED when closed.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(WEAK_PASSWORD)
  @ApiProblems(REGISTRATION_CLOSED)
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems(ENQUEUES_JOBS)
  async register(@Body() body: RegisterDto): Promise<AcceptedDto> {
    await this.registration.register(body);
    return ACCEPTED;
  }

  @Public()
  @Post('verify-email')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Confirm the email address with the token from the verification link.',
    description: '400 ONE_TIME_TOKEN_INVALID for an unknown, used or expired token.',
  })
  @ApiNoContentResponse({ description: 'The address is verified' })
  @ApiProblems(ONE_TIME_TOKEN_INVALID)
  async verifyEmail(@Body() body: OneTimeTokenDto): Promise<void> {
    await this.registration.verifyEmail(body.token);
  }

  @Post('resend-verification')
  @HttpCode(202)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Mail a new verification link (older links stop working).',
    description: 'Nothing is sent when the address is already verified.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(NOT_LOCAL_ACCOUNT)
  @ApiProblems(ENQUEUES_JOBS)
  async resendVerification(@CurrentPrincipal() principal: Principal): Promise<AcceptedDto> {
    await this.registration.resendVerification(principal);
    return ACCEPTED;
  }

  @Public()
  @Post('forgot-password')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a password reset link (valid 30 minutes, older links stop working).',
    description: 'The answer is the same for addresses without an account.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems(ENQUEUES_JOBS)
  async forgotPassword(@Body() body: EmailDto): Promise<AcceptedDto> {
    await this.passwordReset.forgotPassword(body.email);
    return ACCEPTED;
  }

  @Public()
  @Post('reset-password')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with the token from the reset link; ends every session.',
    description:
      '400 ONE_TIME_TOKEN_INVALID for an unknown, used or expired token, 400 WEAK_PASSWORD ' +
      'for a refused password (the link keeps working).',
  })
  @ApiNoContentResponse({ description: 'The password is changed' })
  @ApiProblems(ONE_TIME_TOKEN_INVALID)
  @ApiProblems(WEAK_PASSWORD)
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems(ENQUEUES_JOBS)
  async resetPassword(@Body() body: ResetPasswordDto): Promise<void> {
    await this.passwordReset.resetPassword(body.token, body.password);
  }
}
