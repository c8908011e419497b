/** Codes every feature may return; features add their own string enums beside these. */
export enum CoreErrorCode {
  BadRequest = 'BAD_REQUEST',
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  RateLimited = 'RATE_LIMITED',
  InternalError = 'INTERNAL_ERROR',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  /** 400: the JSON body is nested too deeply or holds too many elements. */
  BodyTooComplex = 'BODY_TOO_COMPLEX',
  /** 503: PostgreSQL cannot be reached right now (with Retry-After). */
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  /** 503: the job queue backend (Redis, or PostgreSQL) cannot take work right now. */
  QueueUnavailable = 'QUEUE_UNAVAILABLE',
  /** 503: the identity provider's key set cannot be fetched right now. */
  IdentityProviderUnavailable = 'IDENTITY_PROVIDER_UNAVAILABLE',
}

/** The code used when an error carries none of its own, by HTTP status. */
export function defaultCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return CoreErrorCode.BadRequest;
    case 401:
      return CoreErrorCode.Unauthorized;
    case 403:
      return CoreErrorCode.Forbidden;
    case 404:
      return CoreErrorCode.NotFound;
    case 405:
      return CoreErrorCode.MethodNotAllowed;
    case 409:
      return CoreErrorCode.Conflict;
    case 413:
      return CoreErrorCode.PayloadTooLarge;
    case 415:
      return CoreErrorCode.UnsupportedMediaType;
    case 429:
      return CoreErrorCode.RateLimited;
    case 503:
      return CoreErrorCode.ServiceUnavailable;
    default:
      return status >= 500 ? CoreErrorCode.InternalError : `HTTP_${status}`;
  }
}
