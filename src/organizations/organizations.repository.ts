import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Membership, OrganizationRole } from './membership.entity.js';
import { Organization } from './organization.entity.js';

/** An organization with the role of the user it was read for. */
export interface MemberOrganization {
  organization: Organization;
  role: OrganizationRole;
}

/** A membership with the member's user details. */
export interface MemberView {
  userId: string;
  email: string | null;
  displayName: string | null;
  role: OrganizationRole;
  joinedAt: Date;
}

/** Keyset position: the sort timestamp and id of the last row of the previous page. */
export interface TimeCursor {
  at: Date;
  id: string;
}

export interface MemberCounts {
  members: number;
  owners: number;
}

interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
  role: OrganizationRole;
}

interface MemberRow {
  user_id: string;
  email: string | null;
  display_name: string | null;
  role: OrganizationRole;
  created_at: Date;
}

const ORGANIZATION_COLUMNS = 'o.id, o.name, o.created_at, o.updated_at, m.role';
const MEMBER_COLUMNS = 'm.user_id, u.email, u.display_name, m.role, m.created_at';

/**
 * All SQL about organizations and their members. Reads for a caller take the caller's
 * user id first, so an organization is only ever read through a membership.
 */
@Injectable()
export class OrganizationsRepository {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
  ) {}

  /** The organization if `userId` is a member of it, with their role. */
  async findForMember(
    userId: string,
    orgId: string,
    manager: EntityManager = this.organizations.manager,
  ): Promise<MemberOrganization | null> {
    const rows: OrganizationRow[] = await manager.query(
      `SELECT ${ORGANIZATION_COLUMNS} FROM organizations o
         JOIN organization_members m ON m.organization_id = o.id AND m.user_id = $1
        WHERE o.id = $2`,
      [userId, orgId],
    );
    return rows[0] ? toMemberOrganization(rows[0]) : null;
  }

  /**
   * Like findForMember, and locks the organization row until the transaction ends, so
   * every membership change of one organization runs one at a time (the owner rules
   * are checked against a stable set of members).
   */
  async lockForMember(
    userId: string,
    orgId: string,
    manager: EntityManager,
  ): Promise<MemberOrganization | null> {
    const rows: OrganizationRow[] = await manager.query(
      `SELECT ${ORGANIZATION_COLUMNS} FROM organizations o
         JOIN organization_members m ON m.organization_id = o.id AND m.user_id = $1
        WHERE o.id = $2
          FOR UPDATE OF o`,
      [userId, orgId],
    );
    return rows[0] ? toMemberOrganization(rows[0]) : null;
  }

  /** The user's organizations, newest first, keyset on (created_at, id); `limit + 1` rows. */
  async listForUser(
    userId: string,
    cursor: TimeCursor | null,
    limit: number,
  ): Promise<MemberOrganization[]> {
    const rows: OrganizationRow[] = await this.organizations.query(
      `SELECT ${ORGANIZATION_COLUMNS} FROM organizations o
         JOIN organization_members m ON m.organization_id = o.id AND m.user_id = $1
        WHERE $2::timestamptz IS NULL OR (o.created_at, o.id) < ($2::timestamptz, $3::uuid)
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT $4`,
      [userId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
    );
    return rows.map(toMemberOrganization);
  }

  /** Creates the organization with `userId` as its owner. */
  async createWithOwner(
    userId: string,
    name: string,
    manager: EntityManager,
  ): Promise<Organization> {
    const organization = await manager
      .getRepository(Organization)
      .save(manager.getRepository(Organization).create({ name }));
    await manager
      .getRepository(Membership)
      .insert({ organizationId: organization.id, userId, role: OrganizationRole.Owner });
    return organization;
  }

  async rename(orgId: string, name: string, manager: EntityManager): Promise<Organization> {
    const repo = manager.getRepository(Organization);
    await repo.update({ id: orgId }, { name });
    return repo.findOneByOrFail({ id: orgId });
  }

  /** Deletes the organization; its memberships go with it (FK cascade). */
  async delete(orgId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(Organization).delete({ id: orgId });
  }

  /** Members, longest-standing first, keyset on (joined, user id); `limit + 1` rows. */
  async listMembers(
    orgId: string,
    cursor: TimeCursor | null,
    limit: number,
  ): Promise<MemberView[]> {
    const rows: MemberRow[] = await this.organizations.query(
      `SELECT ${MEMBER_COLUMNS} FROM organization_members m
         JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1
          AND ($2::timestamptz IS NULL OR (m.created_at, m.user_id) > ($2::timestamptz, $3::uuid))
        ORDER BY m.created_at, m.user_id
        LIMIT $4`,
      [orgId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
    );
    return rows.map(toMemberView);
  }

  async findMember(
    orgId: string,
    userId: string,
    manager: EntityManager,
  ): Promise<MemberView | null> {
    const rows: MemberRow[] = await manager.query(
      `SELECT ${MEMBER_COLUMNS} FROM organization_members m
         JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1 AND m.user_id = $2`,
      [orgId, userId],
    );
    return rows[0] ? toMemberView(rows[0]) : null;
  }

  async addMember(
    orgId: string,
    userId: string,
    role: OrganizationRole,
    manager: EntityManager,
  ): Promise<void> {
    await manager.getRepository(Membership).insert({ organizationId: orgId, userId, role });
  }

  async setMemberRole(
    orgId: string,
    userId: string,
    role: OrganizationRole,
    manager: EntityManager,
  ): Promise<void> {
    await manager.getRepository(Membership).update({ organizationId: orgId, userId }, { role });
  }

  async removeMember(orgId: string, userId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(Membership).delete({ organizationId: orgId, userId });
  }

  async countMembers(orgId: string, manager: EntityManager): Promise<MemberCounts> {
    const rows: { members: string; owners: string }[] = await manager.query(
      `SELECT count(*) AS members, count(*) FILTER (WHERE role = 'owner') AS owners
         FROM organization_members WHERE organization_id = $1`,
      [orgId],
    );
    return { members: Number(rows[0].members), owners: Number(rows[0].owners) };
  }

  /**
   * The user's memberships, locking their organizations in id order (a fixed order, so
   * concurrent deletions of two users of the same organizations cannot deadlock).
   */
  async lockMembershipsOfUser(
    userId: string,
    manager: EntityManager,
  ): Promise<{ orgId: string; role: OrganizationRole }[]> {
    const rows: { id: string; role: OrganizationRole }[] = await manager.query(
      `SELECT o.id, m.role FROM organizations o
         JOIN organization_members m ON m.organization_id = o.id AND m.user_id = $1
        ORDER BY o.id
          FOR UPDATE OF o`,
      [userId],
    );
    return rows.map((r) => ({ orgId: r.id, role: r.role }));
  }

  /** Who takes over from a departing last owner: the longest-standing admin, else member. */
  async findSuccessor(
    orgId: string,
    departingUserId: string,
    manager: EntityManager,
  ): Promise<string | null> {
    const rows: { user_id: string }[] = await manager.query(
      `SELECT user_id FROM organization_members
        WHERE organization_id = $1 AND user_id <> $2
        ORDER BY (role = 'admin') DESC, created_at, user_id
        LIMIT 1`,
      [orgId, departingUserId],
    );
    return rows[0]?.user_id ?? null;
  }
}

function toMemberOrganization(row: OrganizationRow): MemberOrganization {
  const organization = new Organization();
  organization.id = row.id;
  organization.name = row.name;
  organization.createdAt = row.created_at;
  organization.updatedAt = row.updated_at;
  return { organization, role: row.role };
}

function toMemberView(row: MemberRow): MemberView {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    joinedAt: row.created_at,
  };
}
