import { type CliAgentOptions, Redactor, StorableOptionsSchema } from '@ccflow/core';
import type { StoredOptions } from './session-store.ts';

/**
 * The options a store may keep: JSON-safe, and without secrets. Kept: the options `StorableOptionsSchema` names
 * (so `env`, `redaction` and the session's own `sessionId`, `resume`, ... are left out). Dropped from them:
 * `settings.env`, the `env` and `headers` of MCP servers and anything under a key naming a credential (pass them
 * again when loading a session in another process); the rest goes through the redactor (`[redacted]` in place of
 * secrets in text, e.g. a `--api-key=` argument or an `sk-ant-` key in a system prompt).
 */
export function storableOptions(
  options: CliAgentOptions,
  redactor: Redactor = new Redactor(options),
): StoredOptions {
  // Structural: only the options the schema says are data; the session's own and this process's are left out.
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (Object.hasOwn(StorableOptionsSchema.shape, key)) data[key] = value;
  }
  return redactor.options(data, 'drop') as StoredOptions;
}
