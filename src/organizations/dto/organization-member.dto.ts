import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsEnum, MaxLength } from 'class-validator';
import { OrganizationRole } from '../membership.entity.js';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class AddOrganizationMemberDto {
  @ApiProperty({
    example: 'ada@example.com',
    format: 'email',
    maxLength: 254,
    description: 'Email of an existing user (local account or signed in through the issuer).',
  })
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    enum: OrganizationRole,
    enumName: 'OrganizationRole',
    description: "Only owners may add an 'owner'.",
  })
  @IsEnum(OrganizationRole)
  role!: OrganizationRole;
}

export class ChangeOrganizationMemberRoleDto {
  @ApiProperty({
    enum: OrganizationRole,
    enumName: 'OrganizationRole',
    description: "Only owners may grant or take 'owner'; the last owner cannot be demoted.",
  })
  @IsEnum(OrganizationRole)
  role!: OrganizationRole;
}

/** A member of an organization, as its members see them. */
export class OrganizationMemberDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  displayName!: string | null;

  @ApiProperty({
    enum: OrganizationRole,
    enumName: 'OrganizationRole',
    description: "The member's role in the organization.",
  })
  role!: OrganizationRole;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  joinedAt!: string;
}
