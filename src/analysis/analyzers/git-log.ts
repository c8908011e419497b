/** One commit of `git log --numstat` with its file changes (paths after renames). */
export interface LoggedCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  /** Author date, unix seconds. */
  time: number;
  changes: { path: string; from: string | null; added: number; deleted: number }[];
}

export const LOG_FORMAT = '%x1e%H%x1f%an%x1f%ae%x1f%at';
/** `git log` over `range` (`HEAD`, or `<since>..HEAD` for the commits after `since`). */
export const logArgs = (range: string): string[] => [
  'log',
  '--reverse',
  '-M',
  '--numstat',
  `--format=${LOG_FORMAT}`,
  range,
  '--',
];
export const LOG_ARGS = logArgs('HEAD');

/** `src/{a => b}/x.ts` and `a => b` to [from, to]; plain paths to [null, path]. */
export function expandRename(spec: string): [string | null, string] {
  const brace = /^(.*)\{(.*) => (.*)\}(.*)$/.exec(spec);
  if (brace) {
    const [, pre, from, to, post] = brace;
    const join = (mid: string) => `${pre}${mid}${post}`.replace(/\/\/+/g, '/');
    return [join(from), join(to)];
  }
  const arrow = spec.indexOf(' => ');
  if (arrow >= 0) return [spec.slice(0, arrow), spec.slice(arrow + 4)];
  return [null, spec];
}

/** Parses the output incrementally (records are separated by \x1e). */
export class GitLogParser {
  private rest = '';
  constructor(private readonly onCommit: (c: LoggedCommit) => void) {}

  push(chunk: string): void {
    this.rest += chunk;
    let sep = this.rest.indexOf('\x1e', 1);
    while (sep >= 0) {
      this.record(this.rest.slice(0, sep));
      this.rest = this.rest.slice(sep);
      sep = this.rest.indexOf('\x1e', 1);
    }
  }

  end(): void {
    if (this.rest.length > 0) this.record(this.rest);
    this.rest = '';
  }

  private record(text: string): void {
    const body = text.startsWith('\x1e') ? text.slice(1) : text;
    if (body.trim() === '') return;
    const lines = body.split('\n');
    const [sha, authorName, authorEmail, time] = lines[0].split('\x1f');
    const changes: LoggedCommit['changes'] = [];
    for (const line of lines.slice(1)) {
      const m = /^(-|\d+)\t(-|\d+)\t(.+)$/.exec(line);
      if (!m) continue;
      const [from, to] = expandRename(m[3]);
      changes.push({
        path: to,
        from,
        added: m[1] === '-' ? 0 : Number(m[1]),
        deleted: m[2] === '-' ? 0 : Number(m[2]),
      });
    }
    this.onCommit({
      sha,
      authorName,
      authorEmail: authorEmail.toLowerCase(),
      time: Number(time),
      changes,
    });
  }
}
