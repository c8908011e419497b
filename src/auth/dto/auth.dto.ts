import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
export const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({
    maxLength: 512,
    description:
      'The deviceToken of an earlier sign-in of this account on this client, for clients ' +
      'that keep no cookies (browsers send the meridian_device cookie instead). With a valid ' +
      "one, failed sign-ins count against this device only, so other people's failures " +
      'never lock it out. An invalid or foreign one is ignored.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  deviceToken?: string;
}

export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token from the last login or refresh.',
    minLength: 20,
    maxLength: 200,
  })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'RS256 JWT for the Authorization header (Bearer).' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({
    type: 'integer',
    example: 900,
    description: 'Seconds until the access token expires.',
  })
  expiresIn!: number;

  @ApiProperty({ description: 'Opaque, single-use refresh token; each refresh returns a new one.' })
  refreshToken!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-05T10:00:00.000Z' })
  refreshTokenExpiresAt!: string;
}

export class LoginResultDto extends TokenPairDto {
  @ApiProperty({
    description:
      'Device token of this client for this account (also set as the HttpOnly ' +
      'meridian_device cookie); send it back as deviceToken at the next sign-in. It is not ' +
      'a credential: it only decides how failed sign-ins are counted. Valid for 180 days.',
  })
  deviceToken!: string;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: 'ada@example.com' }) email!: string | null;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'Ada Lovelace' }) displayName!:
    string | null;
  @ApiProperty({ type: [String], example: ['admin'] }) roles!: string[];
  @ApiProperty({ type: [String], example: ['migrations:read'] }) permissions!: string[];
  @ApiProperty({ description: 'True for accounts with a password at the built-in issuer.' })
  localAccount!: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' }) createdAt!: string;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;
}

export class JwksDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: { type: 'string' } },
  })
  keys!: Record<string, string>[];
}

export class RotatedKeyDto {
  @ApiProperty({ description: 'Key id of the new signing key.' })
  kid!: string;
}

/** The built-in issuer's OpenID Provider metadata (the members Meridian serves). */
export class OpenIdConfigurationDto {
  @ApiProperty({ format: 'uri', example: 'http://localhost:3000' })
  issuer!: string;

  @ApiProperty({ format: 'uri', example: 'http://localhost:3000/.well-known/jwks.json' })
  jwks_uri!: string;

  @ApiProperty({ format: 'uri', example: 'http://localhost:3000/api/v1/auth/login' })
  token_endpoint!: string;

  @ApiProperty({ type: [String], example: ['token'] })
  response_types_supported!: string[];

  @ApiProperty({ type: [String], example: ['public'] })
  subject_types_supported!: string[];

  @ApiProperty({ type: [String], example: ['RS256'] })
  id_token_signing_alg_values_supported!: string[];

  @ApiProperty({ type: [String], example: ['sub', 'iss', 'aud', 'exp', 'email'] })
  claims_supported!: string[];
}
