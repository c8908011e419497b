import { AppException } from '../core/errors/app.exception.js';
import { CoreErrorCode } from '../core/errors/error-codes.js';
import { decodeCursor } from '../core/pagination/page.js';
import type { OrganizationMemberDto } from './dto/organization-member.dto.js';
import type { OrganizationDto } from './dto/organization.dto.js';
import type { MemberOrganization, MemberView, TimeCursor } from './organizations.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  if (cursor === undefined) return null;
  const [at, id] = decodeCursor(cursor, 2);
  const date = typeof at === 'string' ? new Date(at) : undefined;
  if (!date || Number.isNaN(date.getTime()) || typeof id !== 'string' || !UUID.test(id)) {
    throw new AppException(
      400,
      CoreErrorCode.ValidationFailed,
      'cursor is not a cursor this API issued.',
      {
        title: 'Validation failed',
        errors: [
          { field: 'cursor', rule: 'isCursor', message: 'cursor is not a cursor this API issued' },
        ],
      },
    );
  }
  return { at: date, id };
}
