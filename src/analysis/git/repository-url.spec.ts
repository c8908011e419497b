import { describe, expect, it } from '@jest/globals';
import { AppException } from '../../core/errors/app.exception.js';
import { isLoopbackHost, isSafeRef, parseRepositoryUrl } from './repository-url.js';

const strict = { allowedHosts: ['github.com'], allowLocalRepos: false };
const local = { allowedHosts: ['github.com'], allowLocalRepos: true };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppException) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('parseRepositoryUrl', () => {
  it('accepts a GitHub https URL and normalises it', () => {
    const u = parseRepositoryUrl('https://github.com/acme/widgets.git', strict);
    expect(u).toMatchObject({
      cloneUrl: 'https://github.com/acme/widgets.git',
      fullName: 'acme/widgets',
      github: true,
      local: false,
    });
  });

  it.each([
    ['http://github.com/a/b', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['ssh://github.com/a/b', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['ext::sh -c touch% /tmp/pwned', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['fd::17', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['--upload-pack=touch /tmp/x', 'REPOSITORY_URL_INVALID'],
    ['https://evil.example/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://github.com/a', 'REPOSITORY_URL_INVALID'],
    ['https://github.com/a/b/c', 'REPOSITORY_URL_INVALID'],
    ['https://user:pw@github.com/a/b', 'REPOSITORY_URL_INVALID'],
    ['file:///tmp/repo', 'REPOSITORY_SCHEME_NOT_ALLOWED'],
    ['https://127.0.0.1/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://127.1/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://2130706433/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://0x7f000001/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://0177.0.0.1/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://[::1]/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://[::ffff:127.0.0.1]/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://localhost/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://LOCALHOST./a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['http://localhost:8080/a/b', 'REPOSITORY_HOST_NOT_ALLOWED'],
    ['https://github.com/a/b?x=1', 'REPOSITORY_URL_INVALID'],
    ['not a url', 'REPOSITORY_URL_INVALID'],
  ])('refuses %s with %s', (url, code) => {
    expect(codeOf(() => parseRepositoryUrl(url, strict))).toBe(code);
  });

  it('allows file:// and loopback only with local repositories allowed', () => {
    expect(parseRepositoryUrl('file:///tmp/x/repo.git', local)).toMatchObject({
      local: true,
      fullName: 'x/repo',
    });
    expect(parseRepositoryUrl('http://127.0.0.1:9999/git/o/r.git', local)).toMatchObject({
      local: true,
      fullName: 'o/r',
    });
    expect(codeOf(() => parseRepositoryUrl('ext::sh', local))).toBe(
      'REPOSITORY_SCHEME_NOT_ALLOWED',
    );
  });
});

describe('isLoopbackHost', () => {
  it('knows the spellings', () => {
    for (const h of ['127.0.0.1', '127.9.9.9', '[::1]', 'localhost', 'a.localhost', '0.0.0.0']) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    expect(isLoopbackHost('github.com')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});

describe('isSafeRef', () => {
  it('accepts branch and tag names and refuses the rest', () => {
    for (const r of ['main', 'release/1.2', 'v1.0.0', 'feature_x']) expect(isSafeRef(r)).toBe(true);
    for (const r of [
      '-x',
      '--upload-pack=x',
      'a..b',
      'a b',
      'x.lock',
      '/a',
      'a/',
      'HEAD@{1}',
      'a/.b',
      '',
    ]) {
      expect(isSafeRef(r)).toBe(false);
    }
  });
});

describe('GitHub on a loopback host', () => {
  it('counts a loopback URL on GITHUB_WEB_URL’s host as GitHub’s (metadata and tokens), and no other', () => {
    const rules = { ...local, githubWebHost: '127.0.0.1:8443' };
    expect(parseRepositoryUrl('http://127.0.0.1:8443/acme/app', rules).github).toBe(true);
    expect(parseRepositoryUrl('http://127.0.0.1:9000/acme/app', rules).github).toBe(false);
    expect(parseRepositoryUrl('https://github.com/acme/app', rules).github).toBe(true);
  });
});
