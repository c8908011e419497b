import { InsightType, Severity } from '../entities/insight.entity.js';
import type { InsightDraft, Workspace } from './analyzer.js';
import { GitLogParser, logArgs, type LoggedCommit } from './git-log.js';

export const HISTORY_ANALYZER_VERSION = 'history@1';
const DAY = 86_400;
/** Commits that change more files than this (present or not at HEAD) are left out of change coupling (bulk edits). */
const COUPLING_MAX_FILES = 50;
const COUPLING_MIN_SUPPORT = 2;
const MAX_ROWS = 1000;

interface FileState {
  /** Identifies the file through renames (for change coupling). */
  id: number;
  revisions: number;
  added: number;
  deleted: number;
  lastChanged: number;
  /** Lines added per author email. */
  addedBy: Map<string, number>;
}

/**
 * Everything the figures are computed from, additive over commits: an incremental run
 * loads the previous run's aggregate and adds the new commits (JSON, stored per run).
 */
export interface HistoryAggregate {
  commits: number;
  nextId: number;
  /** email -> [name (the latest seen), time of the author's latest commit]. */
  authors: [string, [string, number]][];
  weeks: [string, number][];
  /** path -> state, for every path ever seen (deleted ones too: a file may come back). */
  files: [string, Omit<FileState, 'addedBy'> & { addedBy: [string, number][] }][];
  /** Commits changing each file (by id), and commits changing both of a pair (`a,b`, a < b). */
  revisionsOf: [number, number][];
  pairs: [string, number][];
}

export interface HistoryResult {
  commits: number;
  busFactor: number;
  hotspots: { path: string; score: number }[];
  insights: InsightDraft[];
  aggregate: HistoryAggregate;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

function mondayOf(unix: number): string {
  const d = new Date(unix * 1000);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day);
  return d.toISOString().slice(0, 10);
}

/**
 * Figures from `git log --numstat -M` (oldest first, following renames): commits per week,
 * active authors, churn, hotspots (revisions x lines of code), change coupling, ownership
 * (share of lines added), bus factor and code age, for files present at HEAD. With
 * `previous`, only the commits after `previous.since` are read and added to its aggregate.
 */
export async function analyzeHistory(
  ws: Workspace,
  codeByPath: Map<string, number>,
  previous?: { since: string; aggregate: HistoryAggregate },
): Promise<HistoryResult> {
  const prev = previous?.aggregate;
  const files = new Map<string, FileState>(
    (prev?.files ?? []).map(([p, f]) => [p, { ...f, addedBy: new Map(f.addedBy) }]),
  );
  const authors = new Map<string, [string, number]>(prev?.authors ?? []);
  const weeks = new Map<string, number>(prev?.weeks ?? []);
  const revisionsOf = new Map<number, number>(prev?.revisionsOf ?? []);
  const pairs = new Map<string, number>(prev?.pairs ?? []);
  let nextId = prev?.nextId ?? 0;
  let commits = prev?.commits ?? 0;
  const parser = new GitLogParser((c: LoggedCommit) => {
    commits++;
    const seen = authors.get(c.authorEmail);
    authors.set(c.authorEmail, [c.authorName, Math.max(seen?.[1] ?? 0, c.time)]);
    const week = mondayOf(c.time);
    weeks.set(week, (weeks.get(week) ?? 0) + 1);
    const changed = new Set<FileState>();
    for (const ch of c.changes) {
      let state: FileState | undefined;
      if (ch.from !== null && ch.from !== ch.path) {
        state = files.get(ch.from);
        files.delete(ch.from);
      }
      state ??= files.get(ch.path);
      state ??= {
        id: nextId++,
        revisions: 0,
        added: 0,
        deleted: 0,
        lastChanged: 0,
        addedBy: new Map(),
      };
      files.set(ch.path, state);
      state.revisions++;
      state.added += ch.added;
      state.deleted += ch.deleted;
      state.lastChanged = Math.max(state.lastChanged, c.time);
      state.addedBy.set(c.authorEmail, (state.addedBy.get(c.authorEmail) ?? 0) + ch.added);
      changed.add(state);
    }
    const ids = [...changed].map((st) => st.id).sort((a, b) => a - b);
    for (const id of ids) revisionsOf.set(id, (revisionsOf.get(id) ?? 0) + 1);
    if (ids.length < 2 || ids.length > COUPLING_MAX_FILES) return;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const key = `${ids[i]},${ids[j]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  });
  const decoder = new TextDecoder();
  await ws.git(logArgs(previous ? `${previous.since}..HEAD` : 'HEAD'), (chunk) =>
    parser.push(decoder.decode(chunk, { stream: true })),
  );
  parser.push(decoder.decode());
  parser.end();
  const names = new Map([...authors].map(([email, [name]]) => [email, name]));

  // Files present at HEAD, by their final path; a state object identifies a file through renames.
  const present = new Set(ws.files);
  const current = [...files.entries()].filter(([p]) => present.has(p));

  const churn = current
    .map(([path, s]) => ({ path, revisions: s.revisions, added: s.added, deleted: s.deleted }))
    .sort(
      (a, b) =>
        b.revisions - a.revisions ||
        b.added + b.deleted - (a.added + a.deleted) ||
        a.path.localeCompare(b.path),
    );

  const hotspots = current
    .map(([path, s]) => ({ path, score: s.revisions * (codeByPath.get(path) ?? 0) }))
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
    .slice(0, 20);

  const ownership = current
    .map(([path, s]) => {
      let owner = '';
      let best = -1;
      let total = 0;
      for (const [email, lines] of s.addedBy) {
        total += lines;
        if (lines > best || (lines === best && email < owner)) {
          best = lines;
          owner = email;
        }
      }
      return {
        path,
        owner: names.get(owner) ?? owner,
        share: total === 0 ? 1 : round(best / total),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));

  const linesByAuthor = new Map<string, number>();
  for (const [, s] of current) {
    for (const [email, lines] of s.addedBy)
      linesByAuthor.set(email, (linesByAuthor.get(email) ?? 0) + lines);
  }
  const totals = [...linesByAuthor.values()].sort((a, b) => b - a);
  const allLines = totals.reduce((a, b) => a + b, 0);
  let busFactor = 0;
  for (let acc = 0; busFactor < totals.length && acc * 2 <= allLines; busFactor++)
    acc += totals[busFactor];
  if (allLines === 0) busFactor = 0;

  const last = [...authors.values()].reduce((m, [, time]) => Math.max(m, time), 0);
  const activeAuthors = [...authors.values()].filter(([, time]) => time >= last - 90 * DAY).length;

  // Change coupling on final paths of files present at HEAD.
  const pathOfId = new Map<number, string>(current.map(([p, st]) => [st.id, p]));
  const coupling: { files: [string, string]; support: number; confidence: number }[] = [];
  for (const [key, support] of pairs) {
    if (support < COUPLING_MIN_SUPPORT) continue;
    const [x, y] = key.split(',').map(Number);
    const px = pathOfId.get(x);
    const py = pathOfId.get(y);
    if (px === undefined || py === undefined) continue;
    const [a, b, ia, ib] = px < py ? [px, py, x, y] : [py, px, y, x];
    coupling.push({ files: [a, b], support, confidence: round(support / revisionsOf.get(ia)!) });
    coupling.push({ files: [b, a], support, confidence: round(support / revisionsOf.get(ib)!) });
  }
  coupling.sort(
    (x, y) =>
      y.support - x.support || y.confidence - x.confidence || x.files[0].localeCompare(y.files[0]),
  );

  const codeAge = current
    .map(([path, s]) => ({ path, lastChanged: new Date(s.lastChanged * 1000).toISOString() }))
    .sort((a, b) => a.lastChanged.localeCompare(b.lastChanged) || a.path.localeCompare(b.path));

  const commitsPerWeek = [...weeks.entries()]
    .map(([week, n]) => ({ week, commits: n }))
    .sort((a, b) => a.week.localeCompare(b.week));

  const data = {
    commits,
    authors: names.size,
    activeAuthors,
    commitsPerWeek,
    churn: churn.slice(0, MAX_ROWS),
    hotspots,
    coupling: coupling.slice(0, 100),
    ownership: ownership.slice(0, MAX_ROWS),
    busFactor,
    codeAge: codeAge.slice(0, MAX_ROWS),
  };
  const insights: InsightDraft[] = [
    {
      type: InsightType.History,
      title: `${commits} commits by ${names.size} authors`,
      description: `${activeAuthors} authors were active in the 90 days before the last commit; bus factor ${busFactor}.`,
      severity: Severity.Info,
      confidenceScore: 1,
      data,
      tags: ['history'],
    },
  ];
  if (hotspots.length > 0) {
    insights.push({
      type: InsightType.Hotspots,
      title: `Hotspot: ${hotspots[0].path}`,
      description: 'Files that change often and hold much code (revisions x lines of code).',
      severity: Severity.Low,
      confidenceScore: 0.8,
      data: { hotspots },
      tags: ['history', 'hotspots'],
    });
  }
  if (coupling.length > 0) {
    insights.push({
      type: InsightType.Coupling,
      title: `${coupling.length / 2} file pairs change together`,
      description: `Pairs changed together in at least ${COUPLING_MIN_SUPPORT} commits.`,
      severity: Severity.Info,
      confidenceScore: 0.7,
      data: { coupling: data.coupling },
      tags: ['history', 'coupling'],
    });
  }
  insights.push({
    type: InsightType.Ownership,
    title: `Bus factor ${busFactor}`,
    description:
      busFactor <= 1
        ? 'One author wrote more than half of the lines: knowledge is concentrated.'
        : `${busFactor} authors together wrote more than half of the lines.`,
    severity: busFactor <= 1 ? Severity.Medium : Severity.Info,
    confidenceScore: 0.8,
    data: { ownership: data.ownership, busFactor },
    tags: ['history', 'ownership'],
  });
  const aggregate: HistoryAggregate = {
    commits,
    nextId,
    authors: [...authors],
    weeks: [...weeks],
    files: [...files].map(([p, f]) => [p, { ...f, addedBy: [...f.addedBy] }]),
    revisionsOf: [...revisionsOf],
    pairs: [...pairs],
  };
  return { commits, busFactor, hotspots, insights, aggregate };
}
