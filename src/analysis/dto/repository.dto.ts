import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import { AnalysisStatus } from '../entities/analyzed-repository.entity.js';

export class NotificationSettingsDto {
  @ApiProperty({ description: 'Mail the owner when a run finishes.' })
  @IsBoolean()
  emailUpdates!: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uri',
    maxLength: 500,
    description: 'https URL that is to receive analysis events.',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(500)
  @IsUrl(
    { protocols: ['https'], require_protocol: true },
    { message: 'webhookUrl must be an https URL' },
  )
  webhookUrl?: string | null;
}

export class CreateRepositoryDto {
  @ApiProperty({
    example: 'https://github.com/acme/widgets',
    minLength: 1,
    maxLength: 500,
    description:
      'https URL of the repository on an allowed host (ANALYSIS_ALLOWED_HOSTS); file:// and loopback only with ANALYSIS_ALLOW_LOCAL_REPOS=true.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  githubUrl!: string;

  @ApiPropertyOptional({ default: false, description: 'Queue a first analysis now.' })
  @IsOptional()
  @IsBoolean()
  autoAnalyze?: boolean;

  @ApiPropertyOptional({ type: NotificationSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationSettingsDto)
  notificationSettings?: NotificationSettingsDto;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Register it for this organization (owners and admins); default: for the caller.',
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "A connection of that organization that reaches the repository: links the connection's repository record.",
  })
  @IsOptional()
  @IsUUID()
  connectionId?: string;
}

export class UpdateRepositoryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  autoAnalyze?: boolean;

  @ApiPropertyOptional({ type: NotificationSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationSettingsDto)
  notificationSettings?: NotificationSettingsDto;
}

export class ListRepositoriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AnalysisStatus, enumName: 'AnalysisStatus' })
  @IsOptional()
  @IsEnum(AnalysisStatus)
  status?: AnalysisStatus;

  @ApiPropertyOptional({ maxLength: 100, example: 'TypeScript' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  language?: string;
}

/** The repository's owner on GitHub (or the URL's owner segment for other hosts). */
export class RepositoryOwnerDto {
  @ApiProperty({ type: Number, nullable: true, description: "GitHub's id of the owner." })
  id!: number | null;

  @ApiProperty()
  username!: string;

  @ApiProperty({ type: String, nullable: true })
  avatarUrl!: string | null;
}

export class NotificationSettingsOutDto {
  @ApiProperty()
  emailUpdates!: boolean;

  @ApiProperty({ type: String, nullable: true })
  webhookUrl!: string | null;
}

export class AnalyzedRepositoryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: Number, nullable: true, description: "GitHub's id; null for other hosts." })
  githubId!: number | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'acme/widgets' })
  fullName!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty()
  url!: string;

  @ApiProperty()
  cloneUrl!: string;

  @ApiProperty({ type: String, nullable: true })
  defaultBranch!: string | null;

  @ApiProperty({ type: String, nullable: true })
  language!: string | null;

  @ApiProperty({ type: 'integer' })
  stars!: number;

  @ApiProperty({ type: 'integer' })
  forks!: number;

  @ApiProperty({ type: 'integer' })
  watchers!: number;

  @ApiProperty({
    type: 'integer',
    description: 'Size in KB as GitHub reports it (0 when unknown).',
  })
  size!: number;

  @ApiProperty()
  private!: boolean;

  @ApiProperty({ type: RepositoryOwnerDto })
  owner!: RepositoryOwnerDto;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The Meridian user that owns it.',
  })
  ownerUserId!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The Meridian organization that owns it.',
  })
  organizationId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  connectionId!: string | null;

  @ApiProperty()
  autoAnalyze!: boolean;

  @ApiProperty({ type: NotificationSettingsOutDto })
  notificationSettings!: NotificationSettingsOutDto;

  @ApiProperty({ enum: AnalysisStatus, enumName: 'AnalysisStatus' })
  analysisStatus!: AnalysisStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAnalyzed!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
