import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FixtureAuthor {
  name: string;
  email: string;
}

export interface FixtureCommit {
  author: FixtureAuthor;
  /** ISO date of the author and committer. */
  date: string;
  message: string;
  write?: Record<string, string>;
  symlinks?: Record<string, string>;
  rename?: [string, string][];
  /** Files deleted in this commit. */
  remove?: string[];
}

/** A git repository built commit by commit on disk (for file:// clones). */
export class GitFixture {
  readonly dir: string;

  constructor(readonly name: string) {
    const root = mkdtempSync(path.join(tmpdir(), 'meridian-fixture-'));
    this.dir = path.join(root, 'acme', name);
    mkdirSync(this.dir, { recursive: true });
    this.git(['init', '-q', '-b', 'main']);
  }

  get url(): string {
    return `file://${this.dir}`;
  }

  /** The folder holding `acme/<name>` (a Git HTTP server's project root). */
  get root(): string {
    return path.dirname(path.dirname(this.dir));
  }

  /** The commit the branch points at. */
  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  /** Moves the branch back `commits` commits, as a force push does. */
  rewind(commits: number): this {
    this.git(['reset', '-q', '--hard', `HEAD~${commits}`]);
    return this;
  }

  private git(args: string[], env: Record<string, string> = {}): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        ...env,
      },
      encoding: 'utf8',
      timeout: 10_000,
    });
  }

  commit(c: FixtureCommit): this {
    for (const [from, to] of c.rename ?? []) {
      mkdirSync(path.dirname(path.join(this.dir, to)), { recursive: true });
      this.git(['mv', from, to]);
    }
    for (const file of c.remove ?? []) this.git(['rm', '-q', '--', file]);
    for (const [file, text] of Object.entries(c.write ?? {})) {
      mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      writeFileSync(path.join(this.dir, file), text);
    }
    for (const [file, target] of Object.entries(c.symlinks ?? {})) {
      mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      symlinkSync(target, path.join(this.dir, file));
    }
    this.git(['add', '-A']);
    this.git(['commit', '-q', '-m', c.message], {
      GIT_AUTHOR_NAME: c.author.name,
      GIT_AUTHOR_EMAIL: c.author.email,
      GIT_AUTHOR_DATE: c.date,
      GIT_COMMITTER_NAME: c.author.name,
      GIT_COMMITTER_EMAIL: c.author.email,
      GIT_COMMITTER_DATE: c.date,
    });
    return this;
  }

  remove(): void {
    rmSync(path.dirname(path.dirname(this.dir)), { recursive: true, force: true });
  }
}
