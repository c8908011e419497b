import { describe, expect, it } from '@jest/globals';
import {
  githubSignature,
  slackSignature,
  verifyGitHubSignature,
  verifySlackSignature,
} from './webhook-signatures.js';

describe('webhook signatures', () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');

  it('accepts the GitHub signature of the body and nothing else', () => {
    const sig = githubSignature('s3cret', body);
    expect(verifyGitHubSignature('s3cret', body, sig)).toBe(true);
    expect(verifyGitHubSignature('other', body, sig)).toBe(false);
    expect(verifyGitHubSignature('s3cret', Buffer.from('{}'), sig)).toBe(false);
    expect(verifyGitHubSignature('s3cret', body, undefined)).toBe(false);
  });

  it('accepts a fresh Slack signature, refuses a stale or wrong one', () => {
    const now = 1_800_000_000;
    const ts = String(now - 10);
    const sig = slackSignature('sign', ts, body);
    expect(verifySlackSignature('sign', body, ts, sig, now)).toBe('ok');
    expect(
      verifySlackSignature(
        'sign',
        body,
        String(now - 301),
        slackSignature('sign', String(now - 301), body),
        now,
      ),
    ).toBe('stale');
    expect(verifySlackSignature('nope', body, ts, sig, now)).toBe('bad');
    expect(verifySlackSignature('sign', body, undefined, sig, now)).toBe('missing');
  });
});
