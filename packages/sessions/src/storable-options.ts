import { type CLIAgentOptions, Redactor } from '@ccflow/core';
import type { StoredOptions } from './session-store.ts';

/**
 * The options a store may keep: JSON-safe, and without secrets. Dropped: `env`, `redaction`,
 * `settings.env`, the `env` and `headers` of MCP servers and anything under a key naming a credential (pass them
 * again when loading a session in another process); the rest goes through the redactor (`[redacted]` in place of
 * secrets in text, e.g. a `--api-key=` argument or an `sk-ant-` key in a system prompt). Session-owned fields
 * (`sessionId`, `resume`, ...) are dropped too: the session sets them per turn.
 */
export function storableOptions(
  options: CLIAgentOptions,
  redactor: Redactor = new Redactor(options),
): StoredOptions {
  const {
    env: _env,
    sessionId: _sessionId,
    resume: _resume,
    forkSession: _fork,
    continueSession: _continue,
    ...rest
  } = options;
  return redactor.options(rest, 'drop') as StoredOptions;
}
