import { ConfigurationError } from '@ccflow/core';

/** The environment variable that turns the API fallback on in `ccflow`'s default executor. */
export const API_FALLBACK_ENV = 'CCFLOW_API_FALLBACK';

const ON = new Set(['true', '1', 'yes', 'on']);
const OFF = new Set(['false', '0', 'no', 'off', '']);

/**
 * Whether `CCFLOW_API_FALLBACK` of `env` asks for the API fallback: `true`, `1`, `yes`, `on` do; unset, `false`,
 * `0`, `no`, `off` do not. Anything else throws `ConfigurationError` naming the variable.
 */
export function apiFallbackEnabled(env: Record<string, string | undefined> = process.env): boolean {
  const raw = env[API_FALLBACK_ENV];
  const value = (raw ?? '').trim().toLowerCase();
  if (ON.has(value)) return true;
  if (OFF.has(value)) return false;
  throw new ConfigurationError({
    field: API_FALLBACK_ENV,
    problem: `must be one of true, 1, yes, on, false, 0, no, off (got ${JSON.stringify(raw)})`,
  });
}
