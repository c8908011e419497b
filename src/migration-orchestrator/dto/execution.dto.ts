import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import {
  DatabaseType,
  ExecutionStatus,
  MigrationScope,
  OnError,
  TargetMode,
  TargetStatus,
} from '../orchestrator.types.js';

export class FiltersDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 500 })
  @IsOptional()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  databaseIds?: string[];

  @ApiPropertyOptional({ enum: DatabaseType, isArray: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @IsEnum(DatabaseType, { each: true })
  types?: DatabaseType[];

  @ApiPropertyOptional({ type: [String], maxItems: 100 })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  regions?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 1000 })
  @IsOptional()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tenantIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    description: 'Databases with any of these tags.',
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}

export class SingleTargetDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  databaseId!: string;

  @ApiPropertyOptional({
    description: 'For a pattern entry: which schema (tenant).',
    maxLength: 63,
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  @Matches(/^[A-Za-z_][A-Za-z0-9_$]*$/, { message: 'schema must be a plain identifier' })
  schema?: string;
}

export class ExecuteRequestDto {
  @ApiProperty({ enum: MigrationScope })
  @IsEnum(MigrationScope)
  scope!: MigrationScope;

  @ApiPropertyOptional({ type: () => FiltersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FiltersDto)
  filters?: FiltersDto;

  @ApiPropertyOptional({
    type: () => SingleTargetDto,
    description: 'The target of the `single` scope.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SingleTargetDto)
  target?: SingleTargetDto;

  @ApiPropertyOptional({
    default: false,
    description: 'Record the plan as an execution without running it.',
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 64,
    description: 'Targets at once within a wave (default MIGRATION_BATCH_SIZE).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;

  @ApiPropertyOptional({ enum: OnError, default: OnError.Stop })
  @IsOptional()
  @IsEnum(OnError)
  onError?: OnError;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    default: 0,
    description: 'Run the first N tenant targets as a wave of their own first.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  canary?: number;
}

const toArray = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

export class DynamicPlanQueryDto {
  @ApiPropertyOptional({ enum: MigrationScope, default: MigrationScope.All })
  @IsOptional()
  @IsEnum(MigrationScope)
  scope?: MigrationScope;

  @ApiPropertyOptional({ enum: DatabaseType, isArray: true })
  @IsOptional()
  @Transform(toArray)
  @IsEnum(DatabaseType, { each: true })
  type?: DatabaseType[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toArray)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  region?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toArray)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tenantId?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toArray)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @Transform(toArray)
  @IsUUID('all', { each: true })
  databaseId?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  canary?: number;
}

export class RollbackRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  executionId!: string;
}

export class ListExecutionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ExecutionStatus })
  @IsOptional()
  @IsEnum(ExecutionStatus)
  status?: ExecutionStatus;
}

export class ListTargetsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TargetStatus })
  @IsOptional()
  @IsEnum(TargetStatus)
  status?: TargetStatus;
}

// ---- responses ----

export class PlannedFileDto {
  @ApiProperty({ enum: ['versioned', 'repeatable', 'undo'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() checksum!: string;
  @ApiProperty() noTransaction!: boolean;
}

export class DriftDto {
  @ApiProperty() version!: string;
  @ApiProperty({ type: String, nullable: true }) appliedChecksum!: string | null;
  @ApiProperty() catalogChecksum!: string;
}

export class EarlierFailureDto {
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class MissingDependencyDto {
  @ApiProperty({ enum: DatabaseType }) type!: DatabaseType;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'The file that needs it.' }) requiredBy!: string;
}

export class LockHolderDto {
  @ApiProperty({ type: 'integer' }) pid!: number;
  @ApiProperty({ type: String, nullable: true }) applicationName!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) since!: string | null;
}

export class PlanTargetDto {
  @ApiProperty({ format: 'uuid' }) databaseId!: string;
  @ApiProperty() databaseName!: string;
  @ApiProperty({ enum: DatabaseType }) databaseType!: DatabaseType;
  @ApiProperty({ type: String, nullable: true }) region!: string | null;
  @ApiProperty({ type: String, nullable: true }) tenantId!: string | null;
  @ApiProperty({ description: 'The schema (for an unreachable pattern entry, the pattern).' })
  schema!: string;
  @ApiProperty({ type: 'integer' }) wave!: number;
  @ApiProperty({ enum: ['admin', 'regional', 'canary', 'tenants'] }) waveName!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true }) currentVersion!: string | null;
  @ApiProperty({ type: [PlannedFileDto] }) pending!: PlannedFileDto[];
  @ApiProperty({ type: [DriftDto] }) drift!: DriftDto[];
  @ApiProperty({ type: [EarlierFailureDto] }) failures!: EarlierFailureDto[];
  @ApiProperty({ type: [MissingDependencyDto] }) missingDependencies!: MissingDependencyDto[];
  @ApiProperty({ type: LockHolderDto, nullable: true }) lockHolder!: LockHolderDto | null;
}

export class WaveDto {
  @ApiProperty({ type: 'integer' }) wave!: number;
  @ApiProperty({ enum: ['admin', 'regional', 'canary', 'tenants'] }) name!: string;
  @ApiProperty({ type: 'integer' }) targets!: number;
}

export class PlanDto {
  @ApiProperty({ enum: MigrationScope }) scope!: MigrationScope;
  @ApiProperty({ type: () => FiltersDto }) filters!: FiltersDto;
  @ApiProperty({ type: 'integer' }) totalTargets!: number;
  @ApiProperty({ type: 'integer', description: 'Targets with at least one pending file.' })
  pendingTargets!: number;
  @ApiProperty({ type: 'integer', description: 'Targets with drift or a missing dependency.' })
  blockedTargets!: number;
  @ApiProperty({ type: 'integer' }) unreachableTargets!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Says so when nothing matched.' })
  message!: string | null;
  @ApiProperty({ type: [WaveDto] }) waves!: WaveDto[];
  @ApiProperty({ type: [PlanTargetDto] }) targets!: PlanTargetDto[];
}

export class ProgressDto {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) completed!: number;
  @ApiProperty({ type: 'integer', description: 'failed, locked, unreachable or blocked' })
  failed!: number;
  @ApiProperty({ type: 'integer' }) skipped!: number;
  @ApiProperty({ type: 'integer' }) running!: number;
  @ApiProperty({ type: 'integer' }) pending!: number;
  @ApiProperty({ type: String, nullable: true }) currentTarget!: string | null;
  @ApiProperty({ type: 'number', description: '0-100' }) percentage!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'From the rate observed so far; null before the first target ends or once finished.',
  })
  estimatedCompletion!: string | null;
}

export class ExecutionMetadataDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) rollbackOf!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) rolledBackBy!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) scheduleId!: string | null;
  @ApiProperty({ type: String, nullable: true }) stopReason!: string | null;
}

export class ExecutionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: MigrationScope }) scope!: MigrationScope;
  @ApiProperty({ type: () => FiltersDto }) filters!: FiltersDto;
  @ApiProperty({ type: SingleTargetDto, nullable: true }) target!: SingleTargetDto | null;
  @ApiProperty({ enum: ExecutionStatus }) status!: ExecutionStatus;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: 'integer' }) concurrency!: number;
  @ApiProperty({ enum: OnError }) onError!: OnError;
  @ApiProperty({ type: 'integer' }) canary!: number;
  @ApiProperty({ description: 'A user id, or `schedule:<id>`.' }) executedBy!: string;
  @ApiProperty() cancelRequested!: boolean;
  @ApiProperty({ type: ProgressDto }) progress!: ProgressDto;
  @ApiProperty({ type: ExecutionMetadataDto }) metadata!: ExecutionMetadataDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorMessage!: string | null;
}

export class TargetFileDto {
  @ApiProperty({ description: '`V:<version>`, `R:<description>` or `U:<version>`.' }) key!: string;
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty() description!: string;
}

export class ExecutionTargetDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) ordinal!: number;
  @ApiProperty({ type: 'integer' }) wave!: number;
  @ApiProperty({ enum: ['admin', 'regional', 'canary', 'tenants'] }) waveName!: string;
  @ApiProperty({ format: 'uuid' }) databaseId!: string;
  @ApiProperty() databaseName!: string;
  @ApiProperty({ enum: DatabaseType }) databaseType!: DatabaseType;
  @ApiProperty({ type: String, nullable: true }) region!: string | null;
  @ApiProperty({ type: String, nullable: true }) tenantId!: string | null;
  @ApiProperty() schema!: string;
  @ApiProperty({ enum: TargetMode }) mode!: TargetMode;
  @ApiProperty({ enum: TargetStatus }) status!: TargetStatus;
  @ApiProperty({ type: [TargetFileDto] }) planned!: TargetFileDto[];
  @ApiProperty({ type: [TargetFileDto], description: 'Applied (or undone) by this execution.' })
  applied!: TargetFileDto[];
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: String, nullable: true }) errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorMessage!: string | null;
  @ApiProperty({ type: String, nullable: true }) failingFile!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: '1-based character offset in the file.',
  })
  errorPosition!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) errorLine!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'SQLSTATE.' }) databaseErrorCode!:
    string | null;
}

export class ExecutionProgressEventDto {
  @ApiProperty({ enum: ['progress'] }) event!: 'progress';
  @ApiProperty({ type: () => ExecutionDto }) data!: ExecutionDto;
}

export class ExecutionEndEventDto {
  @ApiProperty({ enum: ['end'] }) event!: 'end';
  @ApiProperty({ type: () => ExecutionDto, description: 'The finished execution (last event).' })
  data!: ExecutionDto;
}

export class CatalogFileDto {
  @ApiProperty({ enum: DatabaseType }) type!: DatabaseType;
  @ApiProperty({ enum: ['versioned', 'repeatable'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256 of the file bytes, hex.' }) checksum!: string;
  @ApiProperty() noTransaction!: boolean;
  @ApiProperty({ description: 'Whether an undo (U) file exists for this version.' })
  hasUndo!: boolean;
  @ApiProperty({ type: [String], description: '`type:version` this file needs.' })
  dependsOn!: string[];
}

export class CatalogProblemDto {
  @ApiProperty() file!: string;
  @ApiProperty() message!: string;
}

export class CatalogTypeDto {
  @ApiProperty({ enum: DatabaseType }) type!: DatabaseType;
  @ApiProperty({ type: String, nullable: true }) latestVersion!: string | null;
  @ApiProperty({ type: [CatalogFileDto] }) files!: CatalogFileDto[];
}

export class CatalogDto {
  @ApiProperty() sourceDir!: string;
  @ApiProperty({ format: 'date-time' }) loadedAt!: string;
  @ApiProperty({ type: [CatalogTypeDto] }) types!: CatalogTypeDto[];
  @ApiProperty({
    type: [CatalogProblemDto],
    description: 'Problems of the last failed reload (the catalog kept).',
  })
  lastReloadProblems!: CatalogProblemDto[];
}
