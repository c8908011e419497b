/** A delivery attempt failed; the message is free of credentials. */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
}

const MAX_ERROR_LENGTH = 1000;
const REDACTED = '***';

/** The secrets of an SMTP URL in every form they might be echoed back in. */
function secretsOf(smtpUrl: string | undefined): string[] {
  if (!smtpUrl) return [];
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return [];
  }
  const forms = new Set<string>();
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  for (const value of [url.username, url.password, user, pass]) if (value) forms.add(value);
  // AUTH LOGIN sends each in base64, AUTH PLAIN sends "\0user\0pass" in base64.
  if (user) forms.add(Buffer.from(user).toString('base64'));
  if (pass) forms.add(Buffer.from(pass).toString('base64'));
  if (user || pass) forms.add(Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'));
  // Longest first, so a secret containing another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * The message of a delivery error, safe to store and log: no user:password in URLs, none
 * of SMTP_URL's credentials in any form, bounded length.
 */
export function describeDeliveryError(err: unknown, smtpUrl?: string): string {
  let message = err instanceof Error ? err.message : String(err);
  message = message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, `$1${REDACTED}@`);
  for (const secret of secretsOf(smtpUrl)) message = message.split(secret).join(REDACTED);
  message = message.trim() || 'unknown delivery error';
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}
