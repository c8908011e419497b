import { AppException } from '../core/errors/app.exception.js';

/** Codes of the organizations feature's problem responses. */
export enum OrganizationErrorCode {
  /** 404: no such organization, or the caller is not a member (the same answer either way). */
  NotFound = 'ORGANIZATION_NOT_FOUND',
  /** 403: the caller is a member but their organization role does not allow this. */
  RoleRequired = 'ORGANIZATION_ROLE_REQUIRED',
  /** 404: no user has this email address. */
  UserNotFound = 'USER_NOT_FOUND',
  /** 404: the user is not a member of this organization. */
  MemberNotFound = 'MEMBER_NOT_FOUND',
  /** 409: the user is already a member. */
  AlreadyMember = 'ALREADY_MEMBER',
  /** 409: the change would leave the organization without an owner. */
  LastOwner = 'LAST_OWNER',
}

export const organizationNotFound = (): AppException =>
  new AppException(404, OrganizationErrorCode.NotFound, 'No organization with this id.');

export const organizationRoleRequired = (needed: string): AppException =>
  new AppException(
    403,
    OrganizationErrorCode.RoleRequired,
    `This needs the organization role ${needed}.`,
  );

export const memberNotFound = (): AppException =>
  new AppException(
    404,
    OrganizationErrorCode.MemberNotFound,
    'This user is not a member of the organization.',
  );

export const lastOwner = (detail: string): AppException =>
  new AppException(409, OrganizationErrorCode.LastOwner, detail);
