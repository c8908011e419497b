/**
 * The pages that the links in account mails open, relative to their base: APP_URL (the
 * frontend) when it is set, otherwise Meridian's own pages under PUBLIC_URL +
 * ACCOUNT_PAGES_PREFIX. A frontend serves the same paths; single-use links carry their
 * token as the `token` query parameter.
 */
export const ACCOUNT_PAGES = {
  verifyEmail: '/verify-email',
  resetPassword: '/reset-password',
  confirmEmail: '/confirm-email',
  acceptInvite: '/accept-invite',
  signIn: '/sign-in',
  forgotPassword: '/forgot-password',
} as const;

/** Where Meridian serves its own account pages (outside the API prefix). */
export const ACCOUNT_PAGES_PREFIX = '/account';

/** The script the pages load (same origin, as the Content-Security-Policy requires). */
export const ACCOUNT_PAGE_SCRIPT = '/account-page.js';

/** Every route of the account pages, as the global-prefix exclusion lists them. */
export const ACCOUNT_PAGE_ROUTES: string[] = [
  ...Object.values(ACCOUNT_PAGES),
  ACCOUNT_PAGE_SCRIPT,
].map((path) => `${ACCOUNT_PAGES_PREFIX.slice(1)}${path}`);
