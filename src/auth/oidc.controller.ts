import { Controller, Get, Header, Inject, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { Public, Roles } from './decorators/auth.decorators.js';
import { JwksDto, OpenIdConfigurationDto, RotatedKeyDto } from './dto/auth.dto.js';
import { SigningKeysService } from './signing-keys.service.js';

/** The built-in issuer's discovery document and keys, and key rotation for admins. */
@ApiTags('auth')
@Controller()
export class OidcController {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('.well-known/openid-configuration')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: "The built-in issuer's OpenID Provider metadata." })
  @ApiOkResponse({ type: OpenIdConfigurationDto })
  getOpenIdConfiguration(): OpenIdConfigurationDto {
    const issuer = this.config.auth.localIssuer;
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/api/v1/auth/login`,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'email',
        'email_verified',
        'name',
        'realm_access',
      ],
    };
  }

  @Public()
  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: "The built-in issuer's public signing keys (JWKS)." })
  @ApiOkResponse({ type: JwksDto })
  getJwks(): Promise<JwksDto> {
    return this.keys.publicJwks();
  }

  @Post('auth/keys/rotate')
  @Roles('admin')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary:
      'Start signing with a new key; tokens signed with the old one stay valid until they expire.',
  })
  @ApiCreatedResponse({ type: RotatedKeyDto, description: 'The new key' })
  async rotateSigningKey(): Promise<RotatedKeyDto> {
    return { kid: await this.keys.rotate() };
  }
}
