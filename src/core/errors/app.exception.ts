import type { FieldError } from './problem.js';

export interface AppExceptionOptions {
  title?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members of the problem document (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A coded error a feature throws on purpose. The global filter turns it into
 * problem+json with this status, code and detail.
 */
export class AppException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly options: AppExceptionOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppException';
  }
}
