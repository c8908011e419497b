import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  ValidateNested,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { CredentialKind } from '../entities/service-credential.entity.js';

/** Kinds a caller may give directly (slack_oauth comes from the Slack install flow only). */
export const INPUT_KINDS = [
  CredentialKind.GitHubToken,
  CredentialKind.GitHubAppInstallation,
  CredentialKind.SlackBotToken,
] as const;

const TOKEN_KINDS: string[] = [CredentialKind.GitHubToken, CredentialKind.SlackBotToken];

/**
 * A credential: `{kind: "github_token", token}`, `{kind: "github_app_installation",
 * installationId}` or `{kind: "slack_bot_token", token}`. Write-only: never answered.
 */
export class CredentialsInputDto {
  @ApiProperty({ enum: INPUT_KINDS, example: CredentialKind.GitHubToken })
  @IsIn(INPUT_KINDS)
  kind!: (typeof INPUT_KINDS)[number];

  @ApiPropertyOptional({
    description: 'The token (github_token, slack_bot_token). Write-only.',
    minLength: 8,
    maxLength: 512,
    writeOnly: true,
    pattern: '^\\S+$',
  })
  @ValidateIf((o: CredentialsInputDto) => TOKEN_KINDS.includes(o.kind) || o.token !== undefined)
  @IsString()
  @MaxLength(512)
  @Matches(/^\S{8,512}$/, { message: 'token must be 8-512 characters without spaces' })
  token?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'The GitHub App installation id (github_app_installation).',
  })
  @ValidateIf(
    (o: CredentialsInputDto) =>
      o.kind === CredentialKind.GitHubAppInstallation || o.installationId !== undefined,
  )
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  installationId?: number;
}

/** A credential as answered: its kind and facts about it, never the secret. */
export class CredentialSummaryDto {
  @ApiProperty({ enum: CredentialKind, enumName: 'CredentialKind' })
  kind!: CredentialKind;

  @ApiProperty({
    description:
      'Whether a secret is stored (for an App installation: a cached installation token).',
  })
  hasSecret!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The last 4 characters of the token, when it is long enough to show them.',
  })
  last4!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastRotatedAt!: string | null;
}

export class ReplaceCredentialsDto {
  @ApiProperty({ type: CredentialsInputDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialsInputDto)
  credentials!: CredentialsInputDto;
}
