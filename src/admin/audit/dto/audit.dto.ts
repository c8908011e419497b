import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { AUDIT_ACTIONS, AuditTargetType } from '../../../audit/audit-actions.js';
import { PageQueryDto } from '../../../core/pagination/page.js';

export class AuditFilterQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries by this user.' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, description: 'Only entries of this action.' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: string;

  @ApiPropertyOptional({ enum: Object.values(AuditTargetType) })
  @IsOptional()
  @IsIn(Object.values(AuditTargetType))
  targetType?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Only entries about this target id.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9:._-]{1,200}$/, { message: 'targetId must be an id' })
  targetId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'At or after.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Before.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: 'integer', description: 'Position in the chain.' })
  seq!: number;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorId!: string | null;

  @ApiProperty({ example: 'admin.user-disabled' })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'user' })
  targetType!: string | null;

  @ApiProperty({ type: String, nullable: true })
  targetId!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'State before (secrets redacted).',
  })
  before!: unknown;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'State after (secrets redacted).',
  })
  after!: unknown;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestId!: string | null;

  @ApiProperty({ description: "sha256 of the previous entry's hash and this entry." })
  hash!: string;

  @ApiProperty()
  prevHash!: string;
}

export class AuditVerificationDto {
  @ApiProperty({ type: Boolean })
  valid!: boolean;

  @ApiProperty({ type: 'integer', description: 'Entries checked (up to the first break).' })
  checked!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  firstBrokenId!: string | null;
}
