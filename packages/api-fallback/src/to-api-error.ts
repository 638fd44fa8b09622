import type { APIError } from '@anthropic-ai/sdk';
import { APIAuthenticationError, APIClientError, APIOverloadedError, APIRateLimitError } from './errors.ts';

/** The SDK's `APIError` class, given by the caller that loaded the SDK (it is imported on the first call). */
export type SdkErrorClass = typeof APIError;

/**
 * The typed error for what the SDK threw: an HTTP error by its status (or the error type of an `error` event in
 * the stream, which has none), anything else (a failed or cut connection: fetch's `TypeError: terminated`) as an
 * `APIClientError` without a status. The SDK's error is the `cause`; its message never holds the key.
 */
export function toApiError(error: unknown, sdkError: SdkErrorClass): APIClientError {
  if (APIClientError.isInstance(error)) return error;
  if (!(error instanceof sdkError)) {
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new APIClientError({ message: `the Messages API call failed: ${message}${cause}`, cause: error });
  }
  const details = {
    message: `the Messages API answered ${error.status ?? 'with an error'}: ${error.apiMessage ?? error.message}`,
    cause: error,
    status: error.status ?? null,
    errorType: error.type ?? null,
    requestId: error.requestID ?? null,
  };
  if (error.status === 429 || error.type === 'rate_limit_error') {
    return new APIRateLimitError({ ...details, retryAfterMs: retryAfterMs(error.headers) });
  }
  if (error.status === 401 || error.status === 403 || error.type === 'authentication_error') {
    return new APIAuthenticationError(details);
  }
  if (error.status === 529 || error.type === 'overloaded_error') return new APIOverloadedError(details);
  return new APIClientError(details);
}

/** `retry-after-ms`, else `retry-after` (seconds, or an HTTP date), in ms. */
function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
