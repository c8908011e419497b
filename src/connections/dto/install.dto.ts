import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class InstallQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organizationId!: string;
}

export class InstallUrlDto {
  @ApiProperty({ description: 'Where to send the browser to install.' })
  url!: string;

  @ApiProperty({ description: 'The signed, single-use state the callback must bring back.' })
  state!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class GitHubCallbackQueryDto {
  @ApiProperty({ example: '12345', pattern: '^[1-9][0-9]{0,15}$' })
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'installation_id must be a positive integer' })
  installation_id!: string;

  @ApiPropertyOptional({ enum: ['install', 'update', 'request'] })
  @IsOptional()
  @IsIn(['install', 'update', 'request'])
  setup_action?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  state?: string;

  @ApiPropertyOptional({
    description: 'Sent by GitHub when the App requests user authorization; unused.',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  code?: string;
}

export class SlackCallbackQueryDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  code?: string;

  @ApiProperty({ maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  state!: string;

  @ApiPropertyOptional({
    description: 'Set by Slack when the user cancelled (`access_denied`).',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  error?: string;
}

export class InstallResultDto {
  @ApiProperty({ format: 'uuid' })
  connectionId!: string;

  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty({ example: 'pending' })
  status!: string;
}
