import { ConfigurationError } from '@ccflow/core';

/** Bad usage found by a command itself (not by the parser): exit 2, like an unknown option. */
export function isUsageError(error: unknown): boolean {
  return ConfigurationError.isInstance(error);
}
