import { CCFlowError, type CCFlowErrorOptions, isRetryableStatus } from '@ccflow/core';

/** The codes of `@ccflow/api-fallback`'s errors. */
export type ApiFallbackErrorCode =
  | 'API_CLIENT_ERROR'
  | 'API_NOT_AVAILABLE'
  | 'API_RATE_LIMIT'
  | 'API_AUTHENTICATION'
  | 'API_OVERLOADED'
  | 'API_TIMEOUT';

export interface APIClientErrorDetails {
  /** The HTTP status, or null when no response came (the connection failed or was cut, a timeout). */
  status?: number | null;
  /** The API's error type (`rate_limit_error`, `overloaded_error`...), when it sent one. */
  errorType?: string | null;
  /** The API's `request-id`, for Anthropic support. */
  requestId?: string | null;
}

/**
 * The Messages API call failed. Retryable for the transient statuses (408, 409, 429, 5xx, 529) and when no
 * response came (a failed or cut connection): the reliability rules read `isRetryable`, so such an error is retried
 * and counts as a breaker failure; the others (400, 404, 413) are the request's fault and are neither.
 */
export class APIClientError extends CCFlowError {
  static override readonly code: string = 'API_CLIENT_ERROR';
  declare readonly code: ApiFallbackErrorCode;
  readonly status: number | null;
  readonly errorType: string | null;
  readonly requestId: string | null;

  constructor(init: CCFlowErrorOptions & APIClientErrorDetails) {
    super(init);
    this.status = init.status ?? null;
    this.errorType = init.errorType ?? null;
    this.requestId = init.requestId ?? null;
  }

  override get isRetryable(): boolean {
    return this.status === null || isRetryableStatus(this.status);
  }
}

/** The API cannot be used: no API key (`apiKey`, `ANTHROPIC_API_KEY`), or the client was closed. Nothing was sent. */
export class APINotAvailableError extends APIClientError {
  static override readonly code: string = 'API_NOT_AVAILABLE';
  declare readonly code: 'API_NOT_AVAILABLE';
  override get isRetryable(): boolean {
    return false;
  }
}

/** HTTP 429: the API's rate limit. `retryAfterMs` is the `retry-after` header's, when it sent one. */
export class APIRateLimitError extends APIClientError {
  static override readonly code: string = 'API_RATE_LIMIT';
  declare readonly code: 'API_RATE_LIMIT';
  readonly retryAfterMs: number | undefined;
  constructor(init: CCFlowErrorOptions & APIClientErrorDetails & { retryAfterMs?: number }) {
    super({ ...init, status: init.status ?? 429 });
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** HTTP 401 or 403: the API key was refused. Not retryable, and not a breaker failure. */
export class APIAuthenticationError extends APIClientError {
  static override readonly code: string = 'API_AUTHENTICATION';
  declare readonly code: 'API_AUTHENTICATION';
}

/** HTTP 529 (or an `overloaded_error` in the stream): the API is overloaded for now. Retryable. */
export class APIOverloadedError extends APIClientError {
  static override readonly code: string = 'API_OVERLOADED';
  declare readonly code: 'API_OVERLOADED';
  override get isRetryable(): boolean {
    return true;
  }
}

/** The call took longer than `timeoutMs` (kind `total`), or the stream was silent for `idleTimeoutMs` (`idle`). */
export class APITimeoutError extends APIClientError {
  static override readonly code: string = 'API_TIMEOUT';
  declare readonly code: 'API_TIMEOUT';
  readonly timeoutMs: number;
  readonly kind: 'total' | 'idle';
  constructor(init: CCFlowErrorOptions & { timeoutMs: number; kind: 'total' | 'idle' }) {
    super({ ...init, status: null });
    this.timeoutMs = init.timeoutMs;
    this.kind = init.kind;
  }
}
