import { homedir } from 'node:os';
import { join } from 'node:path';
import { CONFIG, loadConfig, runtime } from '@ccflow/core';

/**
 * Where the stores keep their file when no `dbPath` is given: `CCFLOW_SESSION_STORAGE_PATH` if set, else
 * `~/.ccflow/ccflow.db` on every platform — one place to look, beside the CLI's own `~/.claude`.
 */
export function defaultDatabasePath(env?: Record<string, string | undefined>): string {
  const config = env === undefined ? runtime.get(CONFIG) : loadConfig(env);
  return config.sessionStoragePath ?? join(homedir(), '.ccflow', 'ccflow.db');
}
