import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { folderBytes, GitError, runGit, type GitPolicy } from './git-runner.js';

export interface CloneRequest {
  url: string;
  ref: string | null;
  policy: GitPolicy;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export interface Clone {
  dir: string;
  home: string;
  commit: string;
  policy: GitPolicy;
}

/**
 * Clones one branch (full history, no submodules, no tags, no checkout hooks) into
 * `<work>/repo`, checking the folder's size every second against the cap.
 */
export async function cloneRepository(work: string, request: CloneRequest): Promise<Clone> {
  const home = path.join(work, 'home');
  const dir = path.join(work, 'repo');
  await mkdir(home);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort);
  let tooLarge = false;
  const watch = setInterval(() => {
    void folderBytes(dir).then((bytes) => {
      if (bytes > request.maxBytes) {
        tooLarge = true;
        controller.abort();
      }
    });
  }, 1000);
  const args = [
    'clone',
    '--quiet',
    '--no-tags',
    '--single-branch',
    '--no-recurse-submodules',
    '--template=',
    ...(request.ref ? ['--branch', request.ref] : []),
    '--',
    request.url,
    dir,
  ];
  try {
    await runGit(args, request.policy, home, {
      timeoutMs: request.timeoutMs,
      signal: controller.signal,
    });
  } catch (err) {
    if (tooLarge)
      throw new GitError('too_large', 'The repository is larger than ANALYSIS_MAX_REPO_MB.');
    throw err;
  } finally {
    clearInterval(watch);
    request.signal?.removeEventListener('abort', onAbort);
  }
  if ((await folderBytes(dir)) > request.maxBytes) {
    throw new GitError('too_large', 'The repository is larger than ANALYSIS_MAX_REPO_MB.');
  }
  const commit = (
    await runGit(['rev-parse', 'HEAD'], request.policy, home, { cwd: dir, timeoutMs: 10_000 })
  ).trim();
  return { dir, home, commit, policy: request.policy };
}

/** The default branch and whether the remote answers at all (`git ls-remote --symref`). */
export async function remoteHead(
  url: string,
  policy: GitPolicy,
  home: string,
  timeoutMs: number,
): Promise<string | null> {
  const out = await runGit(['ls-remote', '--symref', '--', url, 'HEAD'], policy, home, {
    timeoutMs,
    maxOutputBytes: 64 * 1024,
  });
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
  return m ? m[1] : null;
}
