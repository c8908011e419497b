import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { JobStatus } from '../entities/analysis-job.entity.js';
import { InsightType, Severity } from '../entities/insight.entity.js';

export enum AnalysisType {
  Full = 'full',
  Incremental = 'incremental',
}

export class AnalysisOptionsDto {
  @ApiPropertyOptional({ description: 'Not computed yet; accepted and recorded.' })
  @IsOptional()
  @IsBoolean()
  includeCodeQuality?: boolean;

  @ApiPropertyOptional({
    description:
      'Scan the tree and history for secrets (secretlint recommended rules): insight `secrets`, metric `secretsFound`.',
  })
  @IsOptional()
  @IsBoolean()
  includeSecurityScan?: boolean;

  @ApiPropertyOptional({
    description:
      'Read dependency manifests and lockfiles (npm, pip, Go, Cargo, Maven/Gradle, Bundler): insight `dependencies`.',
  })
  @IsOptional()
  @IsBoolean()
  includeDependencyAnalysis?: boolean;

  @ApiPropertyOptional({ description: 'Not computed yet; accepted and recorded.' })
  @IsOptional()
  @IsBoolean()
  aiInsights?: boolean;
}

export class AnalyzeRequestDto {
  @ApiPropertyOptional({
    enum: AnalysisType,
    enumName: 'AnalysisType',
    default: AnalysisType.Full,
    description:
      '`incremental` continues from the last completed run: only newer commits are read and unchanged files are not read again. Without an earlier run, or when its commit is no longer an ancestor, the run is a full one (`fullRunReason`).',
  })
  @IsOptional()
  @IsEnum(AnalysisType)
  analysisType?: AnalysisType;

  @ApiPropertyOptional({ type: AnalysisOptionsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AnalysisOptionsDto)
  options?: AnalysisOptionsDto;

  @ApiPropertyOptional({
    maxLength: 255,
    example: 'main',
    description:
      'A branch or tag; default the default branch. Names starting with `-` are refused.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  ref?: string;
}

export class AnalysisJobDto {
  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ enum: JobStatus, enumName: 'AnalysisJobStatus' })
  status!: JobStatus;

  @ApiProperty({
    type: 'integer',
    description: 'Expected run time in seconds (earlier runs, or the size).',
  })
  estimatedDuration!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class StepTimingDto {
  @ApiProperty({ example: 'cloning' })
  step!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  durationMs!: number | null;
}

export class JobErrorDto {
  @ApiProperty({ example: 'CLONE_FAILED' })
  code!: string;

  @ApiProperty()
  message!: string;
}

export class FileCountsDto {
  @ApiProperty({ example: 'size@1' })
  analyzer!: string;

  @ApiProperty({ type: 'integer', description: 'Files the analyzer read in this run.' })
  analyzed!: number;

  @ApiProperty({
    type: 'integer',
    description: 'Files whose stored result (same path and blob id) was reused.',
  })
  reused!: number;
}

export class AnalysisStatusDto {
  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ format: 'uuid' })
  repositoryId!: string;

  @ApiProperty({ enum: JobStatus, enumName: 'AnalysisJobStatus' })
  status!: JobStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'cloning, size, history, dependencies, secrets, saving_results (null before it starts).',
  })
  step!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 })
  progress!: number;

  @ApiProperty({ type: String, nullable: true })
  ref!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The analysed commit.' })
  commit!: string | null;

  @ApiProperty({ description: 'True when the run stopped early and saved what was done.' })
  partial!: boolean;

  @ApiProperty({ enum: AnalysisType, enumName: 'AnalysisType', description: 'As requested.' })
  analysisType!: AnalysisType;

  @ApiProperty({
    enum: ['full', 'incremental'],
    description: 'How the run went: `incremental` when it continued from `baseCommit`.',
  })
  mode!: 'full' | 'incremental';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The earlier run’s commit an incremental run continued from.',
  })
  baseCommit!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why an incremental request was analysed in full.',
  })
  fullRunReason!: string | null;

  @ApiProperty({ type: [FileCountsDto], description: 'Per analyzer, files read and reused.' })
  fileCounts!: FileCountsDto[];

  @ApiProperty({ type: [StepTimingDto] })
  timings!: StepTimingDto[];

  @ApiProperty({ type: JobErrorDto, nullable: true })
  error!: JobErrorDto | null;

  @ApiProperty({ type: 'integer' })
  estimatedDuration!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt!: string | null;
}

export class AnalysisProgressEventDto {
  @ApiProperty({ enum: ['progress'] })
  event!: 'progress';

  @ApiProperty({ type: AnalysisStatusDto })
  data!: AnalysisStatusDto;
}

export class AnalysisEndEventDto {
  @ApiProperty({ enum: ['end'] })
  event!: 'end';

  @ApiProperty({ type: AnalysisStatusDto })
  data!: AnalysisStatusDto;
}

export class ListInsightsQueryDto {
  @ApiPropertyOptional({ enum: InsightType, enumName: 'InsightType' })
  @IsOptional()
  @IsEnum(InsightType)
  type?: InsightType;

  @ApiPropertyOptional({ enum: Severity, enumName: 'InsightSeverity' })
  @IsOptional()
  @IsEnum(Severity)
  severity?: Severity;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100000, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  offset?: number;
}

export class InsightDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  repositoryId!: string;

  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ enum: InsightType, enumName: 'InsightType' })
  type!: InsightType;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ enum: Severity, enumName: 'InsightSeverity' })
  severity!: Severity;

  @ApiProperty({ minimum: 0, maximum: 1 })
  confidenceScore!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The analyzer's figures, under the names the documentation gives for each type.",
  })
  data!: Record<string, unknown>;

  @ApiProperty({ example: 'size@1', description: 'The analyzer and its version.' })
  modelVersion!: string;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class InsightListDto {
  @ApiProperty({ type: [InsightDto] })
  items!: InsightDto[];

  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: 'integer' })
  limit!: number;

  @ApiProperty({ type: 'integer' })
  offset!: number;
}

export class RunMetricsDto {
  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ format: 'date-time' })
  completedAt!: string;

  @ApiProperty({ type: 'integer', description: 'Lines of code (not comments or blanks).' })
  lines!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Not computed yet (null).' })
  complexity!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Files listed as hotspots; null when a partial run skipped history.',
  })
  hotspots!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Null when a partial run skipped history.',
  })
  busFactor!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Distinct secrets in the tree and history; null when the run did not scan.',
  })
  secretsFound!: number | null;
}

export class RunMetricsListDto {
  @ApiProperty({ type: [RunMetricsDto] })
  items!: RunMetricsDto[];
}
