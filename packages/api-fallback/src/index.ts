export { API_CAPABILITIES, APIClient, type APIClientConfig } from './api-client.ts';
export { apiModel } from './api-model.ts';
export { API_OPTION_SUPPORT } from './api-request.ts';
export { SERVED_BY_API } from './api-transcript.ts';
export {
  API_CLIENT,
  FALLBACK_EXECUTOR,
  getApiClient,
  getFallbackExecutor,
  resetApiClient,
  resetFallbackExecutor,
} from './defaults.ts';
export {
  APIAuthenticationError,
  APIClientError,
  type APIClientErrorDetails,
  APINotAvailableError,
  APIOverloadedError,
  APIRateLimitError,
  APITimeoutError,
  type ApiFallbackErrorCode,
} from './errors.ts';
export {
  type FallbackConfig,
  FallbackExecutor,
  type FallbackExecutorOptions,
  type FallbackRoute,
} from './fallback-executor.ts';
export { API_FALLBACK_ENV, apiFallbackEnabled } from './fallback-switch.ts';
export { FALLBACK_TELEMETRY, type FallbackReason } from './fallback-telemetry.ts';
