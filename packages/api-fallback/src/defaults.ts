import { runtime, runtimeKey } from '@ccflow/core';
import { APIClient } from './api-client.ts';
import { FallbackExecutor } from './fallback-executor.ts';

/**
 * The process-wide API client: `new APIClient()`, reading `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` when it is
 * made (on first use). `runtime.set(API_CLIENT, new APIClient({...}))` configures it.
 */
export const API_CLIENT = runtimeKey('@ccflow/api-fallback:apiClient', () => new APIClient());

/**
 * The process-wide fallback executor: the CLI behind the process-wide CLI circuit breaker, then the process-wide
 * API client (`API_CLIENT`, read when it is made), with the default `FallbackConfig`.
 */
export const FALLBACK_EXECUTOR = runtimeKey(
  '@ccflow/api-fallback:fallbackExecutor',
  () => new FallbackExecutor({ api: runtime.get(API_CLIENT) }),
);

/** The process-wide API client (the reference's `get_api_client`). */
export function getApiClient(): APIClient {
  return runtime.get(API_CLIENT);
}

/** Closes the process-wide API client and forgets it: the next `getApiClient()` makes a new one. */
export async function resetApiClient(): Promise<void> {
  const client = runtime.get(API_CLIENT);
  runtime.reset(API_CLIENT);
  await client.close();
}

/** The process-wide fallback executor (the reference's `get_fallback_executor`). */
export function getFallbackExecutor(): FallbackExecutor {
  return runtime.get(FALLBACK_EXECUTOR);
}

/**
 * Forgets the process-wide fallback executor: the next `getFallbackExecutor()` makes a new one (with the API client
 * then current). The API client is shared, so it is left open: `resetApiClient()` closes it.
 */
export function resetFallbackExecutor(): void {
  runtime.reset(FALLBACK_EXECUTOR);
}
