import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../core/pagination/page.js';
import { DatabaseType, TlsMode } from '../orchestrator.types.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const PATTERN = /^[A-Za-z_%\\][A-Za-z0-9_$%\\]*$/;
const TAG = /^[A-Za-z0-9][\w.:-]*$/;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Fields shared by create and update. */
class DatabaseFieldsDto {
  @ApiPropertyOptional({ example: 'eu-west-1', maxLength: 64 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  region?: string;

  @ApiPropertyOptional({
    example: 'acme',
    maxLength: 100,
    description: 'The tenant a tenant-type database with one fixed schema belongs to.',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  tenantId?: string;

  @ApiPropertyOptional({ enum: TlsMode, default: TlsMode.Disable })
  @IsOptional()
  @IsEnum(TlsMode)
  tlsMode?: TlsMode;

  @ApiPropertyOptional({ type: [String], maxItems: 20, example: ['blue'] })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(TAG, { each: true, message: 'each tag must be letters, digits, _ . : -' })
  tags?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    example: 'public',
    maxLength: 63,
    description: 'The one schema this entry holds (default `public` unless schemaPattern is set).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  @Matches(IDENT, { message: 'schema must be a plain identifier' })
  schema?: string;

  @ApiPropertyOptional({
    example: 'tenant_%',
    maxLength: 63,
    description:
      'A LIKE pattern for schema-per-tenant layouts, resolved at plan time: each matching schema is one tenant whose id is the schema name.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  @Matches(PATTERN, { message: 'schemaPattern must be an identifier with % wildcards' })
  schemaPattern?: string;
}

export class CreateDatabaseDto extends DatabaseFieldsDto {
  @ApiProperty({ example: 'tenants-eu-1', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: DatabaseType })
  @IsEnum(DatabaseType)
  type!: DatabaseType;

  @ApiProperty({ example: 'db.internal', maxLength: 255 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  host!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 65535, default: 5432 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiProperty({ example: 'tenants', maxLength: 63 })
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  database!: string;

  @ApiProperty({ example: 'migrator', maxLength: 63 })
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  user!: string;

  @ApiPropertyOptional({
    writeOnly: true,
    maxLength: 1000,
    description: 'Stored encrypted; never returned.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  password?: string;
}

export class UpdateDatabaseDto extends DatabaseFieldsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  host?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ maxLength: 63 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  database?: string;

  @ApiPropertyOptional({ maxLength: 63 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(63)
  user?: string;

  @ApiPropertyOptional({ writeOnly: true, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  password?: string;
}

export class ListDatabasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DatabaseType })
  @IsOptional()
  @IsEnum(DatabaseType)
  type?: DatabaseType;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  region?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tenantId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  active?: boolean;
}

/** A registered database; the password is write-only and never part of it. */
export class DatabaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DatabaseType }) type!: DatabaseType;
  @ApiProperty({ type: String, nullable: true }) region!: string | null;
  @ApiProperty({ type: String, nullable: true }) tenantId!: string | null;
  @ApiProperty() host!: string;
  @ApiProperty({ type: 'integer' }) port!: number;
  @ApiProperty() database!: string;
  @ApiProperty() user!: string;
  @ApiProperty({ description: 'Whether a password is stored.' }) hasPassword!: boolean;
  @ApiProperty({ enum: TlsMode }) tlsMode!: TlsMode;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, nullable: true }) schema!: string | null;
  @ApiProperty({ type: String, nullable: true }) schemaPattern!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['reachable', 'unreachable'] })
  lastStatus!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastCheckedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ConnectionTestDto {
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) latencyMs!: number | null;
  @ApiProperty({ type: String, nullable: true }) serverVersion!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The driver's reason when unreachable.",
  })
  error!: string | null;
}

export class SchemaHealthDto {
  @ApiProperty() schema!: string;
  @ApiProperty() exists!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Highest applied version.' })
  currentVersion!: string | null;
  @ApiProperty({ type: 'integer' }) pendingCount!: number;
  @ApiProperty({ type: 'integer' }) driftCount!: number;
}

export class DatabaseHealthDto extends ConnectionTestDto {
  @ApiProperty({ format: 'uuid' }) databaseId!: string;
  @ApiProperty({ type: [SchemaHealthDto] }) schemas!: SchemaHealthDto[];
}

export class RepairRequestDto {
  @ApiPropertyOptional({
    description: 'For a pattern entry: the one schema to repair (default all).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  @Matches(IDENT, { message: 'schema must be a plain identifier' })
  schema?: string;
}

export class RepairedSchemaDto {
  @ApiProperty() schema!: string;
  @ApiProperty({ type: [String], description: 'Versions whose recorded checksum was replaced.' })
  versions!: string[];
}

export class RepairResultDto {
  @ApiProperty({ format: 'uuid' }) databaseId!: string;
  @ApiProperty({ type: [RepairedSchemaDto] }) repaired!: RepairedSchemaDto[];
}
