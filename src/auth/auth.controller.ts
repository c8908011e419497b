import { Body, Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { LOCAL_ACCOUNTS_ONLY } from './auth-problems.js';
import { AccountsService } from './accounts.service.js';
import { clientInfo } from './client-info.js';
import { ApiCookie } from './decorators/api-cookie.decorator.js';
import { CurrentPrincipal, Public } from './decorators/auth.decorators.js';
import {
  DEVICE_COOKIE,
  DEVICE_TOKEN_MAX_AGE_SECONDS,
  DeviceTokens,
} from './device-tokens.service.js';
import {
  LoginDto,
  LoginResultDto,
  MeDto,
  RefreshDto,
  TokenPairDto,
  UpdateMeDto,
} from './dto/auth.dto.js';
import {
  ACCOUNT_ADDRESS_FREE_FAILURES,
  ADDRESS_FREE_FAILURES,
  MAX_ACCOUNT_DELAY_MS,
} from './login-throttle.service.js';
import type { Principal } from './principal.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly devices: DeviceTokens,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with email and password.',
    description:
      "Failed sign-ins are throttled after OWASP's device-cookie scheme. A client that " +
      'presents a valid device token of the account (the meridian_device cookie, or ' +
      'deviceToken in the body) is counted and locked out per device, so failures ' +
      "elsewhere never block the owner's known device. Other clients are locked out per " +
      `account and address (${ACCOUNT_ADDRESS_FREE_FAILURES} free failures) and per address ` +
      `across accounts (${ADDRESS_FREE_FAILURES}); lockouts start at 30 s, double, and never ` +
      'exceed 15 minutes. Failures of the account from anywhere only slow its untrusted ' +
      `sign-ins down (at most ${MAX_ACCOUNT_DELAY_MS / 1000} s). Each success sets a new ` +
      'device token.',
  })
  @ApiCookie({
    name: DEVICE_COOKIE,
    description:
      'Device token set by an earlier sign-in (HttpOnly, SameSite=Strict, Path=/api/v1/auth).',
  })
  @ApiOkResponse({
    type: LoginResultDto,
    headers: {
      'Set-Cookie': {
        description:
          `${DEVICE_COOKIE}=<device token>; Max-Age=${DEVICE_TOKEN_MAX_AGE_SECONDS}; ` +
          'Path=/api/v1/auth; HttpOnly; SameSite=Strict (and Secure when PUBLIC_URL is https).',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems({
    401: {
      [AuthErrorCode.InvalidCredentials]:
        'The email or password is wrong, or the account is disabled (the same answer for each).',
    },
    429: {
      [AuthErrorCode.TooManyAttempts]: {
        description:
          'This client is locked out for now (per device, or per account and address); `Retry-After` says when to retry.',
        headers: ['Retry-After'],
      },
    },
  })
  async login(
    @Body() body: LoginDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResultDto> {
    const result = await this.accounts.login(body.email, body.password, clientInfo(req), [
      body.deviceToken,
      this.devices.fromCookieHeader(req.headers.cookie),
    ]);
    void reply.header('set-cookie', this.devices.setCookie(result.deviceToken));
    return result;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair; a reused token ends the session.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems({
    401: {
      [AuthErrorCode.RefreshTokenInvalid]: {
        description:
          'The refresh token is unknown, expired, revoked, or its account is unavailable.',
        headers: ['WWW-Authenticate'],
      },
      [AuthErrorCode.RefreshTokenReused]: {
        description: 'The refresh token was already used: the whole session has been ended.',
        headers: ['WWW-Authenticate'],
      },
    },
  })
  refresh(@Body() body: RefreshDto): Promise<TokenPairDto> {
    return this.accounts.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'End this session (its refresh and access tokens stop working).' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.accounts.logout(principal, false);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'End every session of this account.' })
  @ApiNoContentResponse({ description: 'Signed out everywhere' })
  async logoutAll(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.accounts.logout(principal, true);
  }

  @Get('me')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'The signed-in user.' })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems({ 404: { [CoreErrorCode.NotFound]: 'The account no longer exists.' } })
  getMe(@CurrentPrincipal() principal: Principal): MeDto {
    return this.accounts.me(principal);
  }

  @Patch('me')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Update the profile (display name).' })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems({ 404: { [CoreErrorCode.NotFound]: 'The account no longer exists.' } })
  updateMe(@CurrentPrincipal() principal: Principal, @Body() body: UpdateMeDto): Promise<MeDto> {
    return this.accounts.updateMe(principal, body);
  }
}
