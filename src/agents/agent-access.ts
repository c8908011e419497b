/** Roles that may use every premium agent without a grant. */
export const PREMIUM_ROLES: readonly string[] = ['premium', 'admin'];

/** Why a caller may not use an enabled agent (the listing's `access.reason`). */
export enum AgentAccessDenial {
  PremiumRequired = 'PREMIUM_REQUIRED',
}

/**
 * The access rule for an enabled agent: a regular agent is open to every user; a premium
 * agent needs a premium role (`premium`, `admin`) or an unexpired grant.
 */
export function accessDenial(
  roles: readonly string[],
  premium: boolean,
  granted: boolean,
): AgentAccessDenial | null {
  if (!premium || granted || roles.some((r) => PREMIUM_ROLES.includes(r))) return null;
  return AgentAccessDenial.PremiumRequired;
}
