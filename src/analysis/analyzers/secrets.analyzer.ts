import { InsightType, Severity } from '../entities/insight.entity.js';
import type { InsightDraft, Workspace } from './analyzer.js';
import { readTrackedText } from './read-file.js';
import { PatchReader, scanText, type AddedLines, type SecretMatch } from './secret-scan.js';

export const SECRETS_ANALYZER_VERSION = 'secrets@1';
/** Files (and a file's added lines in one commit) larger than this are not scanned. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Commits read per `git log -p` call, and the patch text one call may print. */
const COMMITS_PER_BATCH = 200;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** History scanned per run at most (patch text); past it the scan stops, `historyTruncated`. */
const MAX_HISTORY_BYTES = 512 * 1024 * 1024;
const MAX_FINDINGS = 500;

/** Where a secret was first added (the history part of the stored aggregate). */
export interface HistoryFinding {
  path: string;
  line: number;
  rule: string;
  commit: string;
  fingerprint: string;
}

/** What a later incremental run continues from. */
export interface SecretsAggregate {
  history: HistoryFinding[];
  commitsScanned: number;
  historyTruncated: boolean;
}

export interface Finding {
  path: string;
  line: number;
  rule: string;
  /** The commit that added the secret (null when history was not scanned that far). */
  commit: string | null;
  /** Still in the analysed tree (else only in history). */
  inTree: boolean;
}

export interface SecretsResult {
  secretsFound: number;
  aggregate: SecretsAggregate;
  insight: InsightDraft;
}

/**
 * secretlint's recommended rules over the tree (each file's result cached by blob id) and
 * over history: the lines each commit added (`git log -p -U0`), oldest first, from `since`
 * (exclusive) or from the first commit. A finding is one secret value per rule: found in the
 * tree it is reported where it is now, with the commit that first added it; found only in
 * history, where it was added.
 */
export async function analyzeSecrets(
  ws: Workspace,
  previous: { since: string; aggregate: SecretsAggregate } | null,
  shouldStop: () => boolean,
): Promise<SecretsResult> {
  const cache = ws.cache<SecretMatch[]>(SECRETS_ANALYZER_VERSION);
  const tree: (SecretMatch & { path: string })[] = [];
  let filesScanned = 0;
  for (const rel of ws.files) {
    if (shouldStop()) break;
    let matches = cache.get(rel);
    if (!matches) {
      const read = await readTrackedText(ws.dir, rel, MAX_FILE_BYTES);
      matches = read.kind === 'text' ? await scanText(read.text, rel) : [];
      cache.set(rel, matches);
    }
    filesScanned++;
    for (const m of matches) tree.push({ ...m, path: rel });
  }

  const history = [...(previous?.aggregate.history ?? [])];
  const known = new Set(history.map((h) => `${h.rule}\0${h.fingerprint}`));
  const scanned = await scanHistory(ws, previous?.since ?? null, shouldStop, (found) => {
    const key = `${found.rule}\0${found.fingerprint}`;
    if (known.has(key)) return;
    known.add(key);
    history.push(found);
  });
  const aggregate: SecretsAggregate = {
    history,
    commitsScanned: (previous?.aggregate.commitsScanned ?? 0) + scanned.commits,
    historyTruncated: (previous?.aggregate.historyTruncated ?? false) || scanned.truncated,
  };

  const firstAdded = new Map(history.map((h) => [`${h.rule}\0${h.fingerprint}`, h]));
  const findings = new Map<string, Finding>();
  for (const t of [...tree].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line)) {
    const key = `${t.rule}\0${t.fingerprint}`;
    if (findings.has(key)) continue;
    findings.set(key, {
      path: t.path,
      line: t.line,
      rule: t.rule,
      commit: firstAdded.get(key)?.commit ?? null,
      inTree: true,
    });
  }
  for (const h of history) {
    const key = `${h.rule}\0${h.fingerprint}`;
    if (!findings.has(key))
      findings.set(key, {
        path: h.path,
        line: h.line,
        rule: h.rule,
        commit: h.commit,
        inTree: false,
      });
  }
  const list = [...findings.values()].sort(
    (a, b) =>
      Number(b.inTree) - Number(a.inTree) || a.path.localeCompare(b.path) || a.line - b.line,
  );
  const inTree = list.filter((f) => f.inTree).length;
  const secretsFound = list.length;
  return {
    secretsFound,
    aggregate,
    insight: {
      type: InsightType.Secrets,
      title:
        secretsFound === 0
          ? 'No secrets found'
          : `${secretsFound} secrets found (${inTree} in the current tree)`,
      description:
        secretsFound === 0
          ? 'secretlint’s recommended rules found nothing in the tree or its history.'
          : 'Rotate these credentials: removing a secret from the tree does not remove it from history.',
      severity: inTree > 0 ? Severity.Critical : secretsFound > 0 ? Severity.High : Severity.Info,
      confidenceScore: 0.9,
      data: {
        findings: list.slice(0, MAX_FINDINGS),
        secretsFound,
        inTree,
        historyOnly: secretsFound - inTree,
        filesScanned,
        commitsScanned: aggregate.commitsScanned,
        historyTruncated: aggregate.historyTruncated,
      },
      tags: ['security', 'secrets'],
    },
  };
}

async function scanHistory(
  ws: Workspace,
  since: string | null,
  shouldStop: () => boolean,
  onFinding: (f: HistoryFinding) => void,
): Promise<{ commits: number; truncated: boolean }> {
  const list = await ws.git(['rev-list', '--reverse', since ? `${since}..HEAD` : 'HEAD', '--']);
  const commits = list.split('\n').filter((c) => /^[0-9a-f]{40,64}$/.test(c));
  let total = 0;
  let done = 0;
  for (let i = 0; i < commits.length; i += COMMITS_PER_BATCH) {
    if (shouldStop() || total >= MAX_HISTORY_BYTES) return { commits: done, truncated: true };
    const batch = commits.slice(i, i + COMMITS_PER_BATCH);
    const files: AddedLines[] = [];
    const reader = new PatchReader((f) => files.push(f), MAX_FILE_BYTES);
    const decoder = new TextDecoder();
    let bytes = 0;
    const stop = new AbortController();
    try {
      await ws.git(
        [
          '-c',
          'core.quotePath=false',
          'log',
          '-p',
          '-U0',
          '--no-walk=unsorted',
          '--no-renames',
          '--no-color',
          '--no-ext-diff',
          '--no-textconv',
          '--format=%x1e%H',
          ...batch,
          '--',
        ],
        (chunk) => {
          bytes += chunk.length;
          if (bytes > MAX_BATCH_BYTES) return stop.abort();
          reader.push(decoder.decode(chunk, { stream: true }));
        },
        { signal: stop.signal },
      );
    } catch (err) {
      if (!stop.signal.aborted) throw err;
    }
    reader.push(decoder.decode());
    reader.end();
    total += Math.min(bytes, MAX_BATCH_BYTES);
    for (const f of files) {
      const matches = await scanText(
        f.lines.join('\n'),
        f.path,
        (line) => f.numbers[line - 1] ?? line,
      );
      for (const m of matches)
        onFinding({
          path: f.path,
          line: m.line,
          rule: m.rule,
          commit: f.commit,
          fingerprint: m.fingerprint,
        });
    }
    done += batch.length;
    if (stop.signal.aborted) return { commits: done, truncated: true };
  }
  return { commits: done, truncated: false };
}
