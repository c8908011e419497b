import { BlockList, isIP } from 'node:net';
import { AnalysisErrorCode as C, badInput } from '../analysis.errors.js';

/** A repository URL that passed the rules: safe to hand to git after `--`. */
export interface SafeRepositoryUrl {
  /** The normalised URL git clones. */
  cloneUrl: string;
  /** `owner/name` (GitHub), or the last two path segments of a local URL. */
  fullName: string;
  name: string;
  owner: string;
  /** file:// or a loopback host: only with local repositories allowed. */
  local: boolean;
  /** The host is GitHub's (metadata from its REST API). */
  github: boolean;
}

export interface UrlRules {
  allowedHosts: string[];
  allowLocalRepos: boolean;
  /** GITHUB_WEB_URL's host: a loopback URL on it is GitHub's too (GitHub Enterprise in development). */
  githubWebHost?: string;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addSubnet('0.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addAddress('::', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * Loopback in every spelling: the WHATWG parser already turns `2130706433`, `0x7f.1`
 * and `127.1` into `127.0.0.1`; this adds localhost names and IPv6 forms.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 4) return LOOPBACK.check(host, 'ipv4');
  if (family === 6) return LOOPBACK.check(host, 'ipv6');
  return false;
}

const SEGMENT = /^[A-Za-z0-9._-]{1,100}$/;

/** Checks a clone URL against the rules; throws a coded 400 otherwise. */
export function parseRepositoryUrl(
  raw: string,
  rules: UrlRules,
  field = 'githubUrl',
): SafeRepositoryUrl {
  const refuse = (code: C, detail: string) => badInput(code, field, detail);
  const value = raw.trim();
  if (/^[a-z0-9+.-]*::/i.test(value) || value.toLowerCase().includes('ext::')) {
    throw refuse(
      C.SchemeNotAllowed,
      'git transport syntax (`ext::`, `<transport>::`) is not allowed.',
    );
  }
  // eslint-disable-next-line no-control-regex
  if (value.length === 0 || /[\s\x00-\x1f\x7f]/.test(value)) {
    throw refuse(C.InvalidUrl, 'The URL is empty or holds spaces or control characters.');
  }
  if (value.startsWith('-'))
    throw refuse(C.InvalidUrl, 'The URL looks like a command-line option.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse(C.InvalidUrl, 'The value is not an absolute URL.');
  }
  if (url.username || url.password) {
    throw refuse(C.InvalidUrl, 'The URL must not carry credentials.');
  }
  if (url.search || url.hash)
    throw refuse(C.InvalidUrl, 'The URL must not carry a query or fragment.');
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  if (segments.some((s) => s === '.' || s === '..')) {
    throw refuse(C.InvalidUrl, 'The URL path must not hold `.` or `..` segments.');
  }
  const tail = segments.slice(-2).map((s) => s.replace(/\.git$/, ''));
  if (url.protocol === 'file:') {
    if (!rules.allowLocalRepos) {
      throw refuse(C.SchemeNotAllowed, 'file:// URLs are not allowed here.');
    }
    if (url.host !== '' || segments.length === 0)
      throw refuse(C.InvalidUrl, 'A file:// URL needs an absolute path.');
    const name = tail[tail.length - 1];
    const owner = tail.length > 1 ? tail[0] : 'local';
    return {
      cloneUrl: `file://${url.pathname}`,
      fullName: `${owner}/${name}`,
      name,
      owner,
      local: true,
      github: false,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse(C.SchemeNotAllowed, 'Only https URLs are allowed.');
  }
  const loopback = isLoopbackHost(url.hostname);
  if (loopback && !rules.allowLocalRepos) {
    throw refuse(C.HostNotAllowed, 'Loopback addresses are not allowed.');
  }
  if (url.protocol === 'http:' && !loopback)
    throw refuse(C.SchemeNotAllowed, 'Only https URLs are allowed.');
  const host = url.host.toLowerCase();
  if (
    !loopback &&
    !rules.allowedHosts.includes(host) &&
    !rules.allowedHosts.includes(url.hostname.toLowerCase())
  ) {
    throw refuse(C.HostNotAllowed, `The host ${url.hostname} is not in ANALYSIS_ALLOWED_HOSTS.`);
  }
  if (
    tail.length < 2 ||
    !tail.every((s) => SEGMENT.test(s)) ||
    (!loopback && segments.length !== 2)
  ) {
    throw refuse(C.InvalidUrl, 'The URL does not name a repository (https://host/owner/name).');
  }
  const [owner, name] = tail;
  const path = segments.map((s) => encodeURIComponent(s)).join('/');
  return {
    cloneUrl: `${url.protocol}//${url.host}/${loopback ? path : `${owner}/${name}.git`}`,
    fullName: `${owner}/${name}`,
    name,
    owner,
    local: loopback,
    github: !loopback || host === rules.githubWebHost,
  };
}

const REF = /^[A-Za-z0-9._/-]{1,255}$/;

/** A branch or tag name git cannot mistake for an option or a revision expression. */
export function isSafeRef(ref: string): boolean {
  return (
    REF.test(ref) &&
    !ref.startsWith('-') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.endsWith('.lock') &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !ref.split('/').some((s) => s.startsWith('.'))
  );
}

export function requireSafeRef(ref: string, field = 'ref'): string {
  if (!isSafeRef(ref))
    throw badInput(C.InvalidRef, field, 'The ref is not a safe branch or tag name.');
  return ref;
}
