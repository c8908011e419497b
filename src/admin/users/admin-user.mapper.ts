import { LOCAL_ISSUER_KEY } from '../../users/users.service.js';
import type { AdminUserRow } from './admin-users.repository.js';
import { AdminUserStatus, IdentitySource, type AdminUserDto } from './dto/admin-user.dto.js';

export const isLocal = (row: Pick<AdminUserRow, 'issuer'>): boolean =>
  row.issuer === LOCAL_ISSUER_KEY;

export function statusOf(row: Pick<AdminUserRow, 'status' | 'email_verified_at'>): AdminUserStatus {
  if (row.status === 'disabled') return AdminUserStatus.Disabled;
  return row.email_verified_at ? AdminUserStatus.Active : AdminUserStatus.Unverified;
}

/** The one mapping of a user row to what administrators see. */
export function toAdminUserDto(row: AdminUserRow): AdminUserDto {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: [...row.roles].sort(),
    status: statusOf(row),
    source: isLocal(row) ? IdentitySource.Local : IdentitySource.Keycloak,
    emailVerified: row.email_verified_at !== null,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

/** The audit snapshot of a user (no secrets to begin with). */
export const auditSnapshot = (row: AdminUserRow) => ({
  email: row.email,
  roles: [...row.roles].sort(),
  status: row.status,
});
