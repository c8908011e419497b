import { decodeTimeIdCursor } from '../core/pagination/page.js';
import type { OrganizationMemberDto } from './dto/organization-member.dto.js';
import type { OrganizationDto } from './dto/organization.dto.js';
import type { MemberOrganization, MemberView, TimeCursor } from './organizations.repository.js';

/** The one entity-to-DTO mapping of an organization (as the member it was read for sees it). */
export function toOrganizationDto({ organization, role }: MemberOrganization): OrganizationDto {
  return {
    id: organization.id,
    name: organization.name,
    role,
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
  };
}

/** The one mapping of a member. */
export function toOrganizationMemberDto(member: MemberView): OrganizationMemberDto {
  return {
    userId: member.userId,
    email: member.email,
    displayName: member.displayName,
    role: member.role,
    joinedAt: member.joinedAt.toISOString(),
  };
}

export const organizationCursorKey = (row: MemberOrganization): string[] => [
  row.organization.createdAt.toISOString(),
  row.organization.id,
];

export const memberCursorKey = (row: MemberView): string[] => [
  row.joinedAt.toISOString(),
  row.userId,
];

/** Reads a cursor issued by organizationCursorKey or memberCursorKey. */
export function parseTimeCursor(cursor: string | undefined): TimeCursor | null {
  return cursor === undefined ? null : decodeTimeIdCursor(cursor);
}
