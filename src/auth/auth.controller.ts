import { Body, Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../core/errors/api-problems.decorator.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { AuthErrorCode } from './auth-error-codes.js';
import { LOCAL_ACCOUNTS_ONLY } from './auth-problems.js';
import { AccountsService } from './accounts.service.js';
import { clientInfo } from './client-info.js';
import { CurrentPrincipal, Public } from './decorators/auth.decorators.js';
import { LoginDto, MeDto, RefreshDto, TokenPairDto, UpdateMeDto } from './dto/auth.dto.js';
import type { Principal } from './principal.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password (throttled per account and address).' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems(LOCAL_ACCOUNTS_ONLY)
  @ApiProblems({
    401: {
      [AuthErrorCode.InvalidCredentials]:
        'The email or password is wrong, or the account is disabled (the same answer for each).',
    },
    429: {
      [AuthErrorCode.TooManyAttempts]: {
        description:
          'Too many failed sign-ins for this account or address; `Retry-After` says when to retry.',
        headers: ['Retry-After'],
      },
    },
  })
  login(@Body() body: LoginDto, @Req() req: FastifyRequest): Promise<TokenPairDto> {
    return this.accounts.login(body.email, body.password, clientInfo(req));
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
  getMe(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
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
