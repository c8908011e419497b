import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '../core/errors/app.exception.js';
import { ANALYSIS_CONFIG } from './analysis.tokens.js';
import type { AnalysisConfig } from './analysis.config.js';
import { AnalysisErrorCode as C } from './analysis.errors.js';
import { remoteHead } from './git/cloner.js';
import { GitError, workFolder } from './git/git-runner.js';
import type { SafeRepositoryUrl } from './git/repository-url.js';

/** What Meridian records about a repository when it is registered. */
export interface RepositoryMetadata {
  githubId: string | null;
  name: string;
  fullName: string;
  description: string | null;
  url: string;
  cloneUrl: string;
  defaultBranch: string | null;
  language: string | null;
  stars: number;
  forks: number;
  watchers: number;
  size: number;
  private: boolean;
  owner: { githubId: string | null; login: string; avatarUrl: string | null };
}

interface GitHubRepo {
  id: number;
  name: string;
  full_name: string;
  description: string | null;
  html_url: string;
  clone_url: string;
  default_branch: string;
  language: string | null;
  stargazers_count: number;
  forks_count: number;
  subscribers_count?: number;
  watchers_count: number;
  size: number;
  private: boolean;
  owner: { id: number; login: string; avatar_url: string | null };
}

const notFound = (fullName: string) =>
  new AppException(
    422,
    C.UpstreamNotFound,
    `GitHub has no repository ${fullName} (or cannot show it).`,
  );

/**
 * Metadata from GitHub's REST API (GITHUB_API_URL, with GITHUB_TOKEN when set) for GitHub
 * URLs, and from the URL and `git ls-remote` for local ones.
 */
@Injectable()
export class GitHubMetadata {
  constructor(@Inject(ANALYSIS_CONFIG) private readonly config: AnalysisConfig) {}

  async describe(url: SafeRepositoryUrl, token?: string): Promise<RepositoryMetadata> {
    return url.github ? this.fromGitHub(url, token ?? this.config.githubToken) : this.fromGit(url);
  }

  private async fromGitHub(url: SafeRepositoryUrl, token?: string): Promise<RepositoryMetadata> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'meridian',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(
        `${this.config.githubApiUrl}/repos/${encodeURIComponent(url.owner)}/${encodeURIComponent(url.name)}`,
        {
          headers,
          signal: AbortSignal.timeout(this.config.githubRequestTimeoutMs),
          redirect: 'follow',
        },
      );
    } catch {
      throw new AppException(
        503,
        C.GitHubUnavailable,
        'GitHub could not be reached; try again later.',
      );
    }
    if (res.status === 404 || res.status === 451) {
      await res.body?.cancel();
      throw notFound(url.fullName);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new AppException(
        503,
        C.GitHubUnavailable,
        `GitHub answered ${res.status}; try again later.`,
      );
    }
    const r = (await res.json()) as GitHubRepo;
    return {
      githubId: String(r.id),
      name: r.name,
      fullName: r.full_name,
      description: r.description,
      url: r.html_url,
      cloneUrl: url.cloneUrl,
      defaultBranch: r.default_branch,
      language: r.language,
      stars: r.stargazers_count,
      forks: r.forks_count,
      watchers: r.subscribers_count ?? r.watchers_count,
      size: r.size,
      private: r.private,
      owner: { githubId: String(r.owner.id), login: r.owner.login, avatarUrl: r.owner.avatar_url },
    };
  }

  private async fromGit(url: SafeRepositoryUrl): Promise<RepositoryMetadata> {
    const work = await workFolder();
    let head: string | null;
    try {
      head = await remoteHead(
        url.cloneUrl,
        { allowLocal: this.config.allowLocalRepos, searchPath: this.config.searchPath },
        work.dir,
        15_000,
      );
    } catch (err) {
      if (err instanceof GitError && err.kind !== 'network' && err.kind !== 'timeout') {
        throw new AppException(
          422,
          C.UpstreamNotFound,
          `No git repository answers at ${url.fullName}.`,
        );
      }
      throw new AppException(
        503,
        C.GitHubUnavailable,
        'The repository could not be reached; try again later.',
      );
    } finally {
      await work.dispose();
    }
    return {
      githubId: null,
      name: url.name,
      fullName: url.fullName,
      description: null,
      url: url.cloneUrl,
      cloneUrl: url.cloneUrl,
      defaultBranch: head,
      language: null,
      stars: 0,
      forks: 0,
      watchers: 0,
      size: 0,
      private: false,
      owner: { githubId: null, login: url.owner, avatarUrl: null },
    };
  }
}
