import { AppException } from '../core/errors/app.exception.js';

/** Codes of repository analysis's problem responses and run failures. */
export enum AnalysisErrorCode {
  /** 404: no such repository, or the caller may not see it. */
  RepositoryNotFound = 'ANALYZED_REPOSITORY_NOT_FOUND',
  /** 422: GitHub says the repository does not exist (or the token cannot see it). */
  UpstreamNotFound = 'REPOSITORY_NOT_FOUND',
  /** 409: the owner already tracks this repository. */
  AlreadyTracked = 'REPOSITORY_ALREADY_TRACKED',
  /** 422: the connection given does not reach this repository. */
  NotReachable = 'REPOSITORY_NOT_REACHABLE',
  /** 400: the URL is not a repository URL. */
  InvalidUrl = 'REPOSITORY_URL_INVALID',
  /** 400: the scheme is not allowed (only https; file:// with local repositories allowed). */
  SchemeNotAllowed = 'REPOSITORY_SCHEME_NOT_ALLOWED',
  /** 400: the host is not in ANALYSIS_ALLOWED_HOSTS, or is a loopback address. */
  HostNotAllowed = 'REPOSITORY_HOST_NOT_ALLOWED',
  /** 400: the ref is not a safe branch or tag name. */
  InvalidRef = 'REF_INVALID',
  /** 404: no such analysis job, or the caller may not see it. */
  JobNotFound = 'ANALYSIS_JOB_NOT_FOUND',
  /** 409: the job has already finished. */
  JobFinished = 'ANALYSIS_JOB_FINISHED',
  /** 503: GitHub could not be reached for the metadata. */
  GitHubUnavailable = 'GITHUB_UNAVAILABLE',
  // Failure codes of runs (in the status's `error.code`):
  CloneFailed = 'CLONE_FAILED',
  RefNotFound = 'REF_NOT_FOUND',
  TooLarge = 'REPOSITORY_TOO_LARGE',
  Timeout = 'ANALYSIS_TIMEOUT',
  WorkerLost = 'WORKER_LOST',
  Internal = 'ANALYSIS_INTERNAL_ERROR',
}

export const repositoryNotFound = (): AppException =>
  new AppException(404, AnalysisErrorCode.RepositoryNotFound, 'No repository with this id.');

export const jobNotFound = (): AppException =>
  new AppException(404, AnalysisErrorCode.JobNotFound, 'No analysis job with this id.');

export const badInput = (code: AnalysisErrorCode, field: string, detail: string): AppException =>
  new AppException(400, code, detail, {
    title: 'Validation failed',
    errors: [{ field, rule: code, message: detail }],
  });
