import { spawn } from 'node:child_process';
import { mkdtemp, readdir, lstat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Why a git command failed, as the run's error code needs it. */
export class GitError extends Error {
  constructor(
    readonly kind: 'timeout' | 'too_large' | 'not_found' | 'network' | 'failed' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface GitPolicy {
  /** file:// and plain-http loopback allowed (tests, development). */
  allowLocal: boolean;
  /** An HTTP header git sends (credentials travel here, in the environment, never in argv). */
  authHeader?: string;
  /** Where to find `git` (the PATH Meridian was started with). */
  searchPath: string;
}

/**
 * The environment every git process runs with: no system or user configuration, no
 * prompts, no hooks, no LFS smudge, only the allowed protocols, and credentials (if any)
 * as an `http.extraHeader` passed through GIT_CONFIG_* variables.
 */
function gitEnv(policy: GitPolicy, home: string): NodeJS.ProcessEnv {
  const config: [string, string][] = [
    ['protocol.ext.allow', 'never'],
    ['protocol.file.allow', policy.allowLocal ? 'always' : 'never'],
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['core.hooksPath', '/dev/null'],
    ['core.symlinks', 'false'],
    ['core.fsmonitor', 'false'],
    ['submodule.recurse', 'false'],
    ['filter.lfs.smudge', ''],
    ['filter.lfs.process', ''],
    ['filter.lfs.required', 'false'],
    ['http.followRedirects', 'false'],
    ['credential.helper', ''],
  ];
  if (policy.allowLocal) config.push(['protocol.http.allow', 'always']);
  if (policy.authHeader) config.push(['http.extraHeader', policy.authHeader]);
  const env: NodeJS.ProcessEnv = {
    PATH: policy.searchPath,
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_ALLOW_PROTOCOL: policy.allowLocal ? 'https:http:file' : 'https',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Largest stdout kept; more is a failure (protects memory). */
  maxOutputBytes?: number;
  /** Called with each stdout chunk instead of keeping it. */
  onStdout?: (chunk: Buffer) => void;
}

/** Runs git (no shell) and resolves with its stdout; stderr only ever reaches the message trimmed. */
export async function runGit(
  args: string[],
  policy: GitPolicy,
  home: string,
  options: RunOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: gitEnv(policy, home),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const max = options.maxOutputBytes ?? 64 * 1024 * 1024;
    const finish = (error: GitError | null, value = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve(value);
    };
    const timer = setTimeout(
      () =>
        finish(new GitError('timeout', `git ${args[0]} took longer than ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const onAbort = () => finish(new GitError('aborted', `git ${args[0]} was stopped`));
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort);
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) return options.onStdout(chunk);
      outBytes += chunk.length;
      if (outBytes > max) return finish(new GitError('failed', `git ${args[0]} printed too much`));
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4000) err += chunk.toString('utf8');
    });
    child.on('error', (e) => finish(new GitError('failed', `git could not start: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return finish(null, Buffer.concat(out).toString('utf8'));
      finish(classify(args[0], redact(err)));
    });
  });
}

/** Never echo a URL's userinfo or an authorization header back. */
function redact(text: string): string {
  return text
    .replace(/\/\/[^/@\s]+@/g, '//***@')
    .replace(/authorization:[^\n]*/gi, 'authorization: ***')
    .trim()
    .slice(0, 500);
}

function classify(command: string | undefined, stderr: string): GitError {
  const s = stderr.toLowerCase();
  if (
    /not found|does not exist|does not appear to be a git repository|repository .* not found/.test(
      s,
    )
  ) {
    return new GitError('not_found', `git ${command}: ${stderr}`);
  }
  if (/remote branch .* not found|couldn't find remote ref|invalid refspec/.test(s)) {
    return new GitError('not_found', `git ${command}: ${stderr}`);
  }
  if (
    /could not resolve host|connection refused|timed out|connection reset|early eof|unable to access|the remote end hung up/.test(
      s,
    )
  ) {
    return new GitError('network', `git ${command}: ${stderr}`);
  }
  return new GitError('failed', `git ${command}: ${stderr}`);
}

/** Bytes under `dir`, not following symlinks. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        try {
          total += (await lstat(full)).size;
        } catch {
          // removed while counting
        }
      }
    }
  }
  return total;
}

/** A private work folder; `dispose` removes it whatever happened. */
export async function workFolder(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'meridian-analysis-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }) };
}
