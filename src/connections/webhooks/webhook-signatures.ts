import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a timestamp further than this from now is refused. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** GitHub's `X-Hub-Signature-256`: `sha256=` + HMAC-SHA256 of the raw body. */
export function githubSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifyGitHubSignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  return safeEqual(githubSignature(secret, body), header);
}

/** Slack's `v0` signature: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, timestamp: string, body: Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export type SlackVerdict = 'ok' | 'missing' | 'stale' | 'bad';

export function verifySlackSignature(
  secret: string,
  body: Buffer,
  timestamp: string | undefined,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): SlackVerdict {
  if (!timestamp || !header) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'bad';
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return 'stale';
  return safeEqual(slackSignature(secret, timestamp, body), header) ? 'ok' : 'bad';
}
