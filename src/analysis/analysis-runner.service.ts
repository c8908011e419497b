import { mkdir } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectionTokens } from '../connections/connection-tokens.service.js';
import type { AnalysisConfig } from './analysis.config.js';
import { AnalysisErrorCode as C } from './analysis.errors.js';
import {
  AnalysisRepository,
  AnalysisStateRepository,
  type InsightRow,
  type RunState,
} from './analysis.repository.js';
import { ANALYSIS_ATTEMPTS } from './analysis.service.js';
import { ANALYSIS_CONFIG } from './analysis.tokens.js';
import type { InsightDraft, Workspace } from './analyzers/analyzer.js';
import {
  analyzeDependencies,
  DEPENDENCIES_ANALYZER_VERSION,
} from './analyzers/dependencies.analyzer.js';
import { RunFileCache } from './analyzers/file-cache.js';
import {
  analyzeHistory,
  HISTORY_ANALYZER_VERSION,
  type HistoryAggregate,
} from './analyzers/history.analyzer.js';
import {
  analyzeSecrets,
  SECRETS_ANALYZER_VERSION,
  type SecretsAggregate,
} from './analyzers/secrets.analyzer.js';
import { analyzeSize, SIZE_ANALYZER_VERSION } from './analyzers/size.analyzer.js';
import { JobStatus, type AnalysisJob, type StepTiming } from './entities/analysis-job.entity.js';
import { cloneRepository, type Clone } from './git/cloner.js';
import { GitError, runGit, workFolder, type GitPolicy } from './git/git-runner.js';
import { parseRepositoryUrl } from './git/repository-url.js';

class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CLONE_ATTEMPTS = 3;
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Runs one analysis job in a worker: clone into a private folder, run the analyzers,
 * save insights and metrics with the job's completion in one transaction. The job row is
 * the truth: progress, step timings and errors are written there as the run goes.
 */
@Injectable()
export class AnalysisRunner {
  private readonly logger = new Logger('Analysis');

  constructor(
    @Inject(ANALYSIS_CONFIG) private readonly config: AnalysisConfig,
    private readonly store: AnalysisRepository,
    private readonly state: AnalysisStateRepository,
    private readonly tokens: ConnectionTokens,
  ) {}

  async run(jobId: string): Promise<string> {
    const existing = await this.store.findJob(jobId);
    if (!existing) return 'gone';
    if (existing.status !== JobStatus.Queued && existing.status !== JobStatus.InProgress) {
      return existing.status;
    }
    if (existing.attempts >= ANALYSIS_ATTEMPTS) {
      await this.store.finish(jobId, JobStatus.Failed, {
        code: C.WorkerLost,
        message: 'The worker running this analysis stopped twice; not retried again.',
      });
      return 'failed';
    }
    const job = await this.store.claimJob(jobId);
    if (!job) return 'not claimed';
    const controller = new AbortController();
    let why: 'cancelled' | 'timeout' | null = null;
    const hard = setTimeout(() => {
      why = 'timeout';
      controller.abort();
    }, this.config.hardTimeoutMs);
    const beat = setInterval(() => {
      void this.store.heartbeat(job.id).then(
        (keepGoing) => {
          if (!keepGoing && why === null) {
            why = 'cancelled';
            controller.abort();
          }
        },
        () => undefined,
      );
    }, 1_000);
    const soft = { reached: false };
    const softTimer = setTimeout(() => (soft.reached = true), this.config.softTimeoutMs);
    const steps: StepTiming[] = [];
    const work = await workFolder();
    try {
      await this.execute(job, work.dir, steps, controller.signal, soft);
      return 'completed';
    } catch (err) {
      const failure =
        why === 'timeout'
          ? new RunFailure(
              C.Timeout,
              `The analysis took longer than ${this.config.hardTimeoutMs} ms.`,
            )
          : err instanceof RunFailure
            ? err
            : null;
      if (why === 'cancelled' || (failure?.code === 'STOPPED' && why === null)) return 'stopped';
      if (!failure) {
        this.logger.error({ msg: 'analysis failed unexpectedly', jobId: job.id, err });
      }
      const { code, message } = failure ?? {
        code: C.Internal,
        message: 'The analysis failed unexpectedly.',
      };
      closeOpenStep(steps);
      await this.store.finish(job.id, JobStatus.Failed, { code, message }, steps);
      return 'failed';
    } finally {
      clearTimeout(hard);
      clearTimeout(softTimer);
      clearInterval(beat);
      await work.dispose();
    }
  }

  private async execute(
    job: AnalysisJob,
    work: string,
    steps: StepTiming[],
    signal: AbortSignal,
    soft: { reached: boolean },
  ): Promise<void> {
    const repo = await this.store.findRepository(job.repositoryId);
    if (!repo) throw new RunFailure(C.RepositoryNotFound, 'The repository was removed.');
    const step = async (name: string, progress: number) => {
      closeOpenStep(steps);
      steps.push({
        step: name,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        durationMs: null,
      });
      if (!(await this.store.recordProgress(job.id, name, progress, steps)) || signal.aborted) {
        throw new RunFailure('STOPPED', 'stopped');
      }
    };
    await step('cloning', 5);
    const url = parseRepositoryUrl(repo.cloneUrl, this.config, 'cloneUrl');
    const token = url.github ? await this.cloneToken(repo.connectionId) : undefined;
    const policy = {
      allowLocal: this.config.allowLocalRepos,
      searchPath: this.config.searchPath,
      authHeader: token
        ? `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`
        : undefined,
    };
    const clone = await this.cloneWithRetries(work, url.cloneUrl, job.ref, policy, signal);
    const git = (
      args: string[],
      onStdout?: (chunk: Buffer) => void,
      opts?: { signal?: AbortSignal },
    ) =>
      runGit(args, policy, clone.home, {
        cwd: clone.dir,
        timeoutMs: this.config.hardTimeoutMs,
        signal: opts?.signal ? AbortSignal.any([signal, opts.signal]) : signal,
        onStdout,
      });
    // Regular files only: symlinks (mode 120000) and submodules (160000) are never read.
    const blobs = new Map<string, string>();
    for (const entry of (await git(['ls-tree', '-r', '-z', '--full-tree', 'HEAD'])).split('\0')) {
      const m = /^100(?:644|755) blob ([0-9a-f]+)\t([\s\S]+)$/.exec(entry);
      if (m) blobs.set(m[2], m[1]);
    }
    const base = await this.incrementalBase(job, clone.commit, git);
    const cache = new RunFileCache(blobs, base ? await this.state.fileResults(repo.id) : null);
    const ws: Workspace = {
      dir: clone.dir,
      files: [...blobs.keys()],
      git,
      cache: <T>(analyzer: string) => cache.for<T>(analyzer),
    };
    const stopReading = () => signal.aborted || soft.reached;
    await step('size', 30);
    // Past the soft limit no further files are read and no further analyzer starts.
    const size = await analyzeSize(ws, stopReading);
    if (signal.aborted) throw new RunFailure('STOPPED', 'stopped');
    let partial = soft.reached;
    const drafts: [InsightDraft, string][] = [[size.insight, SIZE_ANALYZER_VERSION]];
    const aggregates: { analyzer: string; data: unknown }[] = [];
    let history: Awaited<ReturnType<typeof analyzeHistory>> | null = null;
    if (!partial) {
      await step('history', 50);
      const previous = base
        ? await this.state.aggregate<HistoryAggregate>(base.jobId, HISTORY_ANALYZER_VERSION)
        : null;
      history = await analyzeHistory(
        ws,
        size.codeByPath,
        base && previous ? { since: base.commit, aggregate: previous } : undefined,
      );
      drafts.push(
        ...history.insights.map((i): [InsightDraft, string] => [i, HISTORY_ANALYZER_VERSION]),
      );
      aggregates.push({ analyzer: HISTORY_ANALYZER_VERSION, data: history.aggregate });
    }
    if (job.options.includeDependencyAnalysis === true && !(partial ||= soft.reached)) {
      await step('dependencies', 65);
      const deps = await analyzeDependencies(ws);
      drafts.push([deps.insight, DEPENDENCIES_ANALYZER_VERSION]);
    }
    let secretsFound: number | null = null;
    if (job.options.includeSecurityScan === true && !(partial ||= soft.reached)) {
      await step('secrets', 75);
      const previous = base
        ? await this.state.aggregate<SecretsAggregate>(base.jobId, SECRETS_ANALYZER_VERSION)
        : null;
      const secrets = await analyzeSecrets(
        ws,
        base && previous ? { since: base.commit, aggregate: previous } : null,
        stopReading,
      );
      if (signal.aborted) throw new RunFailure('STOPPED', 'stopped');
      partial ||= soft.reached;
      if (!soft.reached) {
        secretsFound = secrets.secretsFound;
        aggregates.push({ analyzer: SECRETS_ANALYZER_VERSION, data: secrets.aggregate });
      }
      drafts.push([secrets.insight, SECRETS_ANALYZER_VERSION]);
    }
    await step('saving_results', 90);
    closeOpenStep(steps);
    const insights: InsightRow[] = drafts.map(([d, version]) => ({
      repositoryId: job.repositoryId,
      jobId: job.id,
      type: d.type,
      title: d.title.slice(0, 255),
      description: d.description,
      severity: d.severity,
      confidenceScore: d.confidenceScore,
      data: d.data,
      modelVersion: version,
      tags: d.tags,
    }));
    const runState: RunState = {
      aggregates,
      fileResults: cache.computed(),
      prune: partial ? null : { analyzers: cache.analyzers(), paths: ws.files },
      fileCounts: cache.fileCounts(),
    };
    const saved = await this.store.complete(
      job,
      clone.commit,
      steps,
      {
        lines: size.totalCode,
        complexity: null,
        hotspots: history ? history.hotspots.length : null,
        busFactor: history ? history.busFactor : null,
        secretsFound,
      },
      insights,
      partial,
      (manager) => this.state.save(manager, job, runState),
    );
    if (!saved) throw new RunFailure('STOPPED', 'stopped');
  }

  /**
   * The run an incremental request continues from: the last completed run with its history
   * aggregate, when its commit is an ancestor of this one. Otherwise the run is a full one,
   * and the job says why.
   */
  private async incrementalBase(
    job: AnalysisJob,
    head: string,
    git: (args: string[]) => Promise<string>,
  ): Promise<{ jobId: string; commit: string } | null> {
    if (job.analysisType !== 'incremental') return null;
    const last = await this.state.lastBaseRun(job.repositoryId);
    let reason: string | null = null;
    if (!last) reason = 'No earlier completed run to continue from: analysed in full.';
    else if (!/^[0-9a-f]{40,64}$/.test(last.commit) || !(await isAncestor(git, last.commit))) {
      reason = `The last analysed commit ${last.commit.slice(0, 12)} is not an ancestor of ${head.slice(0, 12)} (history rewritten): analysed in full.`;
    }
    const base = reason === null ? last : null;
    await this.state.recordBase(job.id, base?.commit ?? null, reason);
    return base;
  }

  /** The connection's token when it reaches the repository, else GITHUB_TOKEN. */
  private async cloneToken(connectionId: string | null): Promise<string | undefined> {
    if (connectionId) {
      try {
        return await this.tokens.withGitHubToken(connectionId, (t) => Promise.resolve(t));
      } catch (err) {
        this.logger.warn({
          msg: 'connection token unavailable; cloning without it',
          connectionId,
          err: String(err),
        });
      }
    }
    return this.config.githubToken;
  }

  /** Network failures are tried again (3 attempts); anything else fails at once with a code. */
  private async cloneWithRetries(
    work: string,
    url: string,
    ref: string | null,
    policy: GitPolicy,
    signal: AbortSignal,
  ): Promise<Clone> {
    for (let attempt = 1; ; attempt++) {
      const dir = `${work}/attempt-${attempt}`;
      await mkdir(dir);
      try {
        return await cloneRepository(dir, {
          url,
          ref,
          policy,
          timeoutMs: this.config.cloneTimeoutMs,
          maxBytes: this.config.maxRepoBytes,
          signal,
        });
      } catch (err) {
        if (!(err instanceof GitError)) throw err;
        if (err.kind === 'too_large') throw new RunFailure(C.TooLarge, err.message);
        if (err.kind === 'aborted') throw new RunFailure('STOPPED', 'stopped');
        if (err.kind === 'not_found') {
          throw new RunFailure(
            ref ? C.RefNotFound : C.CloneFailed,
            ref
              ? `The repository has no branch or tag ${ref}, or cannot be read.`
              : 'The repository cannot be read.',
          );
        }
        if ((err.kind === 'network' || err.kind === 'timeout') && attempt < CLONE_ATTEMPTS) {
          this.logger.warn({ msg: 'clone failed; trying again', attempt, reason: err.message });
          await sleep(this.config.cloneRetryDelayMs, signal);
          if (signal.aborted) throw new RunFailure('STOPPED', 'stopped');
          continue;
        }
        throw new RunFailure(C.CloneFailed, err.message);
      }
    }
  }
}

async function isAncestor(
  git: (args: string[]) => Promise<string>,
  commit: string,
): Promise<boolean> {
  try {
    await git(['merge-base', '--is-ancestor', commit, 'HEAD']);
    return true;
  } catch (err) {
    if (err instanceof GitError && err.kind === 'aborted') throw err;
    return false; // exit 1 (not an ancestor) or 128 (the commit is gone)
  }
}

function closeOpenStep(steps: StepTiming[]): void {
  const open = steps[steps.length - 1];
  if (open && open.finishedAt === null) {
    const now = new Date();
    open.finishedAt = now.toISOString();
    open.durationMs = now.getTime() - Date.parse(open.startedAt);
  }
}
