import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { HistoryKind } from '../orchestrator.types.js';

export class TenantDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ format: 'uuid' }) databaseId!: string;
  @ApiProperty() databaseName!: string;
  @ApiProperty() schema!: string;
  @ApiProperty({ type: String, nullable: true }) region!: string | null;
  @ApiProperty({ enum: ['tenant'] }) type!: string;
  @ApiProperty({ type: String, nullable: true }) currentVersion!: string | null;
  @ApiProperty({ type: 'integer' }) pendingCount!: number;
  @ApiProperty({ type: 'integer' }) driftCount!: number;
}

export class HistoryEntryDto {
  @ApiProperty({ type: 'integer' }) installedRank!: number;
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: HistoryKind }) kind!: HistoryKind;
  @ApiProperty({ type: String, nullable: true }) checksum!: string | null;
  @ApiProperty() installedBy!: string;
  @ApiProperty({ format: 'date-time' }) installedAt!: string;
  @ApiProperty({ type: 'integer' }) executionTimeMs!: number;
  @ApiProperty() success!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) executionId!: string | null;
}

export class TenantHistoryDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ format: 'uuid' }) databaseId!: string;
  @ApiProperty() schema!: string;
  @ApiProperty({ type: String, nullable: true }) currentVersion!: string | null;
  @ApiProperty({
    type: [HistoryEntryDto],
    description: "From the tenant's own history table, oldest first.",
  })
  history!: HistoryEntryDto[];
}

export class TenantMigrateDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
