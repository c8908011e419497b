import { AppException } from '../core/errors/app.exception.js';

/** Codes of the agents feature's problem responses. */
export enum AgentErrorCode {
  /** 404: no agent with this id or slug (users also get it for a disabled agent's page). */
  NotFound = 'AGENT_NOT_FOUND',
  /** 403: the agent exists but an administrator disabled it. */
  Disabled = 'AGENT_DISABLED',
  /** 403: a premium agent, and the caller has neither the premium role nor a grant. */
  PremiumRequired = 'AGENT_PREMIUM_REQUIRED',
  /** 409: another agent has this slug. */
  SlugTaken = 'AGENT_SLUG_TAKEN',
  /** 409: conversations use the agent; disable it instead. */
  InUse = 'AGENT_IN_USE',
  /** 404: no user with this id (granting access). */
  UserNotFound = 'USER_NOT_FOUND',
  /** 404: the user has no grant for this agent. */
  GrantNotFound = 'AGENT_GRANT_NOT_FOUND',
  /** 429: the caller used up today's messages; Retry-After says when the day ends (UTC). */
  LimitReached = 'CHAT_LIMIT_REACHED',
}

export const agentNotFound = (): AppException =>
  new AppException(404, AgentErrorCode.NotFound, 'No agent with this id or slug.');

export const agentDisabled = (): AppException =>
  new AppException(403, AgentErrorCode.Disabled, 'This agent is disabled.');

export const agentPremiumRequired = (): AppException =>
  new AppException(
    403,
    AgentErrorCode.PremiumRequired,
    'This agent needs the premium role or an access grant from an administrator.',
  );

export const agentSlugTaken = (slug: string): AppException =>
  new AppException(409, AgentErrorCode.SlugTaken, `Another agent already has the slug '${slug}'.`);

export const agentInUse = (): AppException =>
  new AppException(
    409,
    AgentErrorCode.InUse,
    'Conversations use this agent, so it cannot be deleted; disable it instead.',
  );

export const userNotFound = (): AppException =>
  new AppException(404, AgentErrorCode.UserNotFound, 'No user with this id.');

export const grantNotFound = (): AppException =>
  new AppException(404, AgentErrorCode.GrantNotFound, 'This user has no grant for this agent.');
