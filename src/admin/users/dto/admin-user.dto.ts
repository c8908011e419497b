import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../core/pagination/page.js';

export enum AdminUserStatus {
  Active = 'active',
  Disabled = 'disabled',
  Unverified = 'unverified',
}

export enum IdentitySource {
  Local = 'local',
  Keycloak = 'keycloak',
}

export enum AdminUserSort {
  Email = 'email',
  EmailDesc = '-email',
  CreatedAt = 'createdAt',
  CreatedAtDesc = '-createdAt',
  LastSeenAt = 'lastSeenAt',
  LastSeenAtDesc = '-lastSeenAt',
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ListAdminUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'Part of the email or display name (case-insensitive; `%` and `_` are plain characters).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'Only users with this role.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9:._-]{1,64}$/, { message: 'role must be a role name' })
  role?: string;

  @ApiPropertyOptional({ enum: AdminUserStatus, enumName: 'AdminUserStatus' })
  @IsOptional()
  @IsEnum(AdminUserStatus)
  status?: AdminUserStatus;

  @ApiPropertyOptional({ enum: IdentitySource, enumName: 'IdentitySource' })
  @IsOptional()
  @IsEnum(IdentitySource)
  source?: IdentitySource;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdTo?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Last seen at or after.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  lastSeenFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Last seen before.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  lastSeenTo?: string;

  @ApiPropertyOptional({
    enum: AdminUserSort,
    enumName: 'AdminUserSort',
    default: AdminUserSort.CreatedAtDesc,
    description: 'Sort key; a leading `-` sorts descending. Users never seen sort last.',
  })
  @IsOptional()
  @IsEnum(AdminUserSort)
  sort?: AdminUserSort;
}

/** A user as administrators see them in lists. */
export class AdminUserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  displayName!: string | null;

  @ApiProperty({ type: [String], example: ['admin'], description: 'Roles granted in Meridian.' })
  roles!: string[];

  @ApiProperty({ enum: AdminUserStatus, enumName: 'AdminUserStatus' })
  status!: AdminUserStatus;

  @ApiProperty({ enum: IdentitySource, enumName: 'IdentitySource' })
  source!: IdentitySource;

  @ApiProperty({ type: Boolean })
  emailVerified!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSeenAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastLoginAt!: string | null;
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserDto] })
  items!: AdminUserDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Cursor of the next page; null on the last page.',
  })
  nextCursor!: string | null;

  @ApiProperty({
    type: 'integer',
    maximum: 1000,
    description: 'Users matching the filters (on every page), counted exactly up to 1000.',
  })
  total!: number;

  @ApiProperty({
    type: Boolean,
    description: 'false when more than 1000 users match (`total` is then 1000: "1000+").',
  })
  totalIsExact!: boolean;
}

export class AdminUserOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme' })
  name!: string;

  @ApiProperty({ example: 'owner' })
  role!: string;
}

export class AdminUserSessionsDto {
  @ApiProperty({ type: 'integer', description: 'Sessions neither revoked nor expired.' })
  active!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastLoginAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Client address of the last sign-in.' })
  lastLoginAddress!: string | null;
}

export class AdminUserUsageDto {
  @ApiProperty({ type: 'integer', description: 'Chat messages sent in the last 30 days.' })
  messages!: number;

  @ApiProperty({ type: 'integer' })
  promptTokens!: number;

  @ApiProperty({ type: 'integer' })
  completionTokens!: number;

  @ApiProperty({ type: 'integer', description: 'Conversations the user has.' })
  conversations!: number;
}

/** One user in full, for the admin console. */
export class AdminUserDetailDto extends AdminUserDto {
  @ApiProperty({ type: [AdminUserOrganizationDto] })
  organizations!: AdminUserOrganizationDto[];

  @ApiProperty({ type: AdminUserSessionsDto })
  sessions!: AdminUserSessionsDto;

  @ApiProperty({ type: AdminUserUsageDto, description: 'Usage over the last 30 days.' })
  usage30d!: AdminUserUsageDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { connections: 2 },
    description:
      "Counts other features keep of the user's things (connections, repositories, analyses).",
  })
  counts!: Record<string, number>;
}

export class AdminRoleDto {
  @ApiProperty({
    example: 'premium',
    description: '`admin`, `premium`, or a role named in ROLE_PERMISSIONS.',
  })
  @Matches(/^[A-Za-z0-9:._-]{1,64}$/, { message: 'role must be a role name' })
  role!: string;
}
