import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  emptyToUndefined,
  toBoolean,
  toInt,
  validateFeatureEnvironment,
} from '../config/environment.js';

/** Settings of repository analysis (its slice of the configuration). */
export interface AnalysisConfig {
  /** Hosts HTTPS clone URLs may point at (lowercase). */
  allowedHosts: string[];
  /** GITHUB_WEB_URL's host (with port): repositories there get GitHub metadata and tokens. */
  githubWebHost: string;
  /** file:// and loopback URLs allowed (tests, development). */
  allowLocalRepos: boolean;
  /** Analysis runs one worker process runs at once. */
  concurrency: number;
  /** A clone larger than this is refused (REPOSITORY_TOO_LARGE). */
  maxRepoBytes: number;
  cloneTimeoutMs: number;
  /** After this long a run stops starting analyzers (and reading files) and saves what is done, `partial`. */
  softTimeoutMs: number;
  /** A run still going after this long fails with ANALYSIS_TIMEOUT. */
  hardTimeoutMs: number;
  /** Token for public repositories' metadata (GitHub REST API). */
  githubToken?: string;
  githubApiUrl: string;
  githubRequestTimeoutMs: number;
  eventsPollMs: number;
  /** The PATH git is looked up in (git runs with an environment of its own otherwise). */
  searchPath: string;
  /** Delay between clone attempts after a network failure (3 attempts in all). */
  cloneRetryDelayMs: number;
  /** A running job whose worker has not written for this long is failed (WORKER_LOST). */
  staleAfterMs: number;
}

class AnalysisEnvironment {
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9.-]+(:\d+)?(,[a-z0-9.-]+(:\d+)?)*$/i, {
    message: 'must be comma-separated host names',
  })
  ANALYSIS_ALLOWED_HOSTS?: string = undefined;
  @IsOptional() @Transform(toBoolean) @IsBoolean() ANALYSIS_ALLOW_LOCAL_REPOS?: boolean = undefined;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64) ANALYSIS_CONCURRENCY?: number =
    undefined;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(102_400) ANALYSIS_MAX_REPO_MB?: number =
    undefined;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  ANALYSIS_CLONE_TIMEOUT_MS?: number = undefined;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  ANALYSIS_HARD_TIMEOUT_MS?: number = undefined;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  ANALYSIS_SOFT_TIMEOUT_MS?: number = undefined;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  ANALYSIS_EVENTS_POLL_MS?: number = undefined;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  ANALYSIS_CLONE_RETRY_DELAY_MS?: number = undefined;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10_000)
  @Max(86_400_000)
  ANALYSIS_STALE_AFTER_MS?: number = undefined;
  @IsOptional() @Transform(emptyToUndefined) @IsString() GITHUB_TOKEN?: string = undefined;
}

/** Reads and validates the analysis variables; GitHub's base URLs come from connections. */
export function loadAnalysisConfig(
  env: NodeJS.ProcessEnv,
  github: { apiUrl: string; webUrl: string; requestTimeoutMs: number },
): AnalysisConfig {
  const v = validateFeatureEnvironment(AnalysisEnvironment, env);
  const webHost = new URL(github.webUrl).host.toLowerCase();
  const hosts = v.ANALYSIS_ALLOWED_HOSTS
    ? v.ANALYSIS_ALLOWED_HOSTS.split(',').map((h) => h.trim().toLowerCase())
    : [...new Set(['github.com', webHost])];
  return {
    allowedHosts: hosts,
    githubWebHost: webHost,
    allowLocalRepos: v.ANALYSIS_ALLOW_LOCAL_REPOS ?? false,
    concurrency: v.ANALYSIS_CONCURRENCY ?? 1,
    maxRepoBytes: (v.ANALYSIS_MAX_REPO_MB ?? 1024) * 1024 * 1024,
    cloneTimeoutMs: v.ANALYSIS_CLONE_TIMEOUT_MS ?? 600_000,
    hardTimeoutMs: v.ANALYSIS_HARD_TIMEOUT_MS ?? 1_800_000,
    softTimeoutMs: v.ANALYSIS_SOFT_TIMEOUT_MS ?? 1_500_000,
    eventsPollMs: v.ANALYSIS_EVENTS_POLL_MS ?? 500,
    searchPath: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    cloneRetryDelayMs: v.ANALYSIS_CLONE_RETRY_DELAY_MS ?? 60_000,
    staleAfterMs: v.ANALYSIS_STALE_AFTER_MS ?? 300_000,
    githubToken: v.GITHUB_TOKEN,
    githubApiUrl: github.apiUrl,
    githubRequestTimeoutMs: github.requestTimeoutMs,
  };
}
