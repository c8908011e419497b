import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import { ConnectionEventCause } from '../entities/connection-event.entity.js';
import { ConnectionService, ConnectionStatus } from '../entities/service-connection.entity.js';
import { CredentialsInputDto, CredentialSummaryDto } from './credentials.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateConnectionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organizationId!: string;

  @ApiProperty({ enum: ConnectionService, enumName: 'ConnectionService' })
  @IsEnum(ConnectionService)
  service!: ConnectionService;

  @ApiProperty({ example: 'Acme GitHub', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ type: CredentialsInputDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialsInputDto)
  credentials!: CredentialsInputDto;
}

export class RateLimitDto {
  @ApiProperty({ type: 'integer' })
  limit!: number;

  @ApiProperty({ type: 'integer' })
  remaining!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resetAt!: string | null;
}

/** One health check's result. */
export class HealthResultDto {
  @ApiProperty({
    enum: ['pass', 'fail', 'refused'],
    description:
      '`fail`: 5xx, timeout or refused connection; `refused`: the service refused the credential (401/403/404).',
  })
  outcome!: 'pass' | 'fail' | 'refused';

  @ApiProperty({ type: String, nullable: true, example: 'GITHUB_UNAVAILABLE' })
  code!: string | null;

  @ApiProperty({ type: 'integer' })
  latencyMs!: number;

  @ApiProperty()
  detail!: string;

  @ApiProperty({
    type: RateLimitDto,
    nullable: true,
    description: "The service's remaining budget, when it says.",
  })
  rateLimit!: RateLimitDto | null;

  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;
}

/** A connection as members of its organization see it. */
export class ConnectionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty({ enum: ConnectionService, enumName: 'ConnectionService' })
  service!: ConnectionService;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ConnectionStatus, enumName: 'ConnectionStatus' })
  status!: ConnectionStatus;

  @ApiProperty({ type: String, nullable: true })
  statusReason!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The App installation id or Slack team id.',
  })
  externalId!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the service said about the account (login, scopes, team): never a secret.',
  })
  settings!: Record<string, unknown>;

  @ApiProperty({ type: CredentialSummaryDto, nullable: true })
  credential!: CredentialSummaryDto | null;

  @ApiProperty({ type: HealthResultDto, nullable: true })
  lastHealth!: HealthResultDto | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ListConnectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ConnectionService, enumName: 'ConnectionService' })
  @IsOptional()
  @IsEnum(ConnectionService)
  service?: ConnectionService;

  @ApiPropertyOptional({ enum: ConnectionStatus, enumName: 'ConnectionStatus' })
  @IsOptional()
  @IsEnum(ConnectionStatus)
  status?: ConnectionStatus;
}

export class UpdateConnectionStatusDto {
  @ApiProperty({
    enum: ConnectionStatus,
    enumName: 'ConnectionStatus',
    description:
      'By hand only `disabled` (from any status) and `active` (from disabled, after a passing check).',
  })
  @IsEnum(ConnectionStatus)
  status!: ConnectionStatus;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class HealthQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'Run a check now (at most once per CONNECTION_HEALTH_REFRESH_MIN_MS).',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  refresh?: boolean;
}

export class ConnectionHealthDto {
  @ApiProperty({ type: HealthResultDto, nullable: true })
  last!: HealthResultDto | null;

  @ApiProperty({ type: [HealthResultDto], description: 'Kept results, newest first.' })
  history!: HealthResultDto[];
}

export class ConnectionEventDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Null when the connection was made.' })
  from!: string | null;

  @ApiProperty({ description: 'A status, or `deleted`.' })
  to!: string;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({ enum: ConnectionEventCause, enumName: 'ConnectionEventCause' })
  cause!: ConnectionEventCause;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorId!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class RepositoryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  connectionId!: string | null;

  @ApiProperty({ example: 'github' })
  provider!: string;

  @ApiProperty({ example: '1296269' })
  externalId!: string;

  @ApiProperty({ example: 'octocat/Hello-World' })
  fullName!: string;

  @ApiProperty({ type: String, nullable: true })
  defaultBranch!: string | null;

  @ApiProperty()
  private!: boolean;

  @ApiProperty({ type: String, nullable: true })
  htmlUrl!: string | null;

  @ApiProperty({ type: String, nullable: true })
  cloneUrl!: string | null;

  @ApiProperty()
  archived!: boolean;

  @ApiProperty({ description: 'False once the connection no longer reaches it.' })
  active!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  syncedAt!: string | null;
}

export class RepositorySyncDto {
  @ApiProperty({ type: 'integer', description: 'Repositories the service listed.' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  added!: number;

  @ApiProperty({ type: 'integer' })
  updated!: number;

  @ApiProperty({ type: 'integer', description: 'Repositories no longer listed, now inactive.' })
  deactivated!: number;
}
