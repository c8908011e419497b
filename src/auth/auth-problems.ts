import type { ProblemMap } from '../core/errors/api-problems.decorator.js';
import { AuthErrorCode } from './auth-error-codes.js';

/** How the local-account routes document their shared outcomes (see @ApiProblems). */
export const LOCAL_ACCOUNTS_ONLY: ProblemMap = {
  404: {
    [AuthErrorCode.LocalAccountsDisabled]: 'Local accounts are turned off (LOCAL_ACCOUNTS=false).',
  },
};

export const NOT_LOCAL_ACCOUNT: ProblemMap = {
  400: {
    [AuthErrorCode.NotLocalAccount]:
      'The account signs in through another identity provider; change it there.',
  },
};

/** A password checked like a sign-in: wrong is 401, too many failures are 429. */
export const PASSWORD_CHECKED: ProblemMap = {
  401: { [AuthErrorCode.InvalidCredentials]: 'The password is wrong.' },
  429: {
    [AuthErrorCode.TooManyAttempts]: {
      description:
        'Too many failed attempts for this account or address; `Retry-After` says when to retry.',
      headers: ['Retry-After'],
    },
  },
};

export const WEAK_PASSWORD: ProblemMap = {
  400: {
    [AuthErrorCode.WeakPassword]:
      'The new password is not accepted (8-128 characters, not a common password, not the email name); `errors` says why.',
  },
};

export const ONE_TIME_TOKEN_INVALID: ProblemMap = {
  400: {
    [AuthErrorCode.TokenUnusable]: 'The token from the link is unknown, used or expired.',
  },
};

export const REGISTRATION_CLOSED: ProblemMap = {
  403: { [AuthErrorCode.RegistrationClosed]: 'Registration is closed (REGISTRATION_MODE=closed).' },
};
