import { createHash } from 'node:crypto';
import type { lintSource as LintSource } from '@secretlint/core';
import { lazyModule } from '../../core/modules/lazy-module.js';

const secretlint = lazyModule<typeof import('@secretlint/core')>('@secretlint/core');
const preset = lazyModule<typeof import('@secretlint/secretlint-rule-preset-recommend')>(
  '@secretlint/secretlint-rule-preset-recommend',
);

/** One match of a rule: where it is and a fingerprint of the value, never the value. */
export interface SecretMatch {
  line: number;
  /** The rule's short name (`github` for @secretlint/secretlint-rule-github). */
  rule: string;
  /** First 32 hex digits of SHA-256 over the rule and the matched value (to count distinct secrets). */
  fingerprint: string;
}

type LintConfig = Parameters<typeof LintSource>[0]['options']['config'];
let config: LintConfig | undefined;
const CONFIG = (): LintConfig =>
  (config ??= {
    rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset().creator }],
  });

export const shortRule = (id: string): string => id.replace(/^@secretlint\/secretlint-rule-/, '');

export const fingerprintOf = (rule: string, value: string): string =>
  createHash('sha256').update(rule).update('\0').update(value).digest('hex').slice(0, 32);

/**
 * Runs secretlint's recommended rules over one text. The matched value is hashed at once
 * and dropped; secretlint's own messages (which quote it, masked or not) are not kept.
 * `lineOf` maps a line of `content` to the line to report (for added lines of a patch).
 */
export async function scanText(
  content: string,
  path: string,
  lineOf: (line: number) => number = (l) => l,
): Promise<SecretMatch[]> {
  const result = await secretlint().lintSource({
    source: { filePath: path, content, contentType: 'text', ext: extOf(path) },
    options: { config: CONFIG(), maskSecrets: true, noPhysicFilePath: true },
  });
  const seen = new Set<string>();
  const out: SecretMatch[] = [];
  for (const m of result.messages) {
    if (m.type !== 'message') continue;
    const rule = shortRule(m.ruleId);
    const fingerprint = fingerprintOf(rule, content.slice(m.range[0], m.range[1]));
    const line = lineOf(m.loc.start.line);
    const key = `${rule}\0${fingerprint}\0${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ line, rule, fingerprint });
  }
  return out;
}

function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : '';
}

/** Undoes git's C-style quoting of unusual paths (`"a\\tb"`, octal UTF-8 bytes). */
export function unquoteGitPath(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  const simple: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    '"': 34,
    '\\': 92,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A file's added lines in one commit (from `git log -p -U0`). */
export interface AddedLines {
  commit: string;
  path: string;
  lines: string[];
  /** The line number in the new file of each of `lines`. */
  numbers: number[];
  bytes: number;
}

/**
 * Reads `git log -p -U0 --format=%x1e%H` output line by line and hands over each file's
 * added lines per commit. Lines of hunks are told from headers by position (after `@@`).
 */
export class PatchReader {
  private rest = '';
  private commit = '';
  private current: AddedLines | null = null;
  private inHunk = false;
  private next = 0;

  constructor(
    private readonly onFile: (f: AddedLines) => void,
    private readonly maxFileBytes: number,
  ) {}

  push(chunk: string): void {
    this.rest += chunk;
    let nl = this.rest.indexOf('\n');
    let start = 0;
    while (nl >= 0) {
      this.line(this.rest.slice(start, nl));
      start = nl + 1;
      nl = this.rest.indexOf('\n', start);
    }
    this.rest = this.rest.slice(start);
  }

  end(): void {
    if (this.rest) this.line(this.rest);
    this.rest = '';
    this.flush();
  }

  private flush(): void {
    if (this.current && this.current.lines.length > 0) this.onFile(this.current);
    this.current = null;
    this.inHunk = false;
  }

  private line(line: string): void {
    if (line.startsWith('\x1e')) {
      this.flush();
      this.commit = line.slice(1).trim();
      return;
    }
    if (line.startsWith('diff --git ')) {
      this.flush();
      return;
    }
    if (!this.inHunk) {
      if (line.startsWith('+++ ')) {
        const target = line.slice(4);
        this.current =
          target === '/dev/null'
            ? null
            : {
                commit: this.commit,
                path: unquoteGitPath(target).replace(/^b\//, ''),
                lines: [],
                numbers: [],
                bytes: 0,
              };
        return;
      }
      if (!line.startsWith('@@')) return;
    }
    if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      this.inHunk = m !== null;
      this.next = m ? Number(m[1]) : 0;
      return;
    }
    if (!this.current) return;
    if (line.startsWith('+')) {
      if (this.current.bytes + line.length > this.maxFileBytes) return;
      this.current.lines.push(line.slice(1));
      this.current.numbers.push(this.next++);
      this.current.bytes += line.length;
    } else if (line.startsWith(' ')) {
      this.next++;
    }
  }
}
