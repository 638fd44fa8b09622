import type { CLIAgentOptions } from '@ccflow/core';
import type { StoredOptions } from './session-store.ts';

/**
 * The options a store may keep: JSON-safe, and without anything that can hold a secret. Dropped: `env`,
 * `onStderr`, `settings.env`, and the `env` and `headers` of MCP servers (API keys and tokens live there). Pass
 * them again when loading a session in another process. Session-owned fields (`sessionId`, `resume`, ...) are
 * dropped too: the session sets them per turn.
 */
export function storableOptions(options: CLIAgentOptions): StoredOptions {
  const {
    env: _env,
    onStderr: _onStderr,
    sessionId: _sessionId,
    resume: _resume,
    forkSession: _fork,
    continueSession: _continue,
    ...rest
  } = options;
  const out: StoredOptions = JSON.parse(JSON.stringify(rest));
  if (out.settings && typeof out.settings === 'object') {
    const { env: _settingsEnv, ...settings } = out.settings as Record<string, unknown>;
    out.settings = settings;
  }
  if (out.mcpServers) {
    for (const [name, server] of Object.entries(out.mcpServers)) {
      const { env: _e, headers: _h, ...kept } = server as Record<string, unknown>;
      out.mcpServers[name] = kept as (typeof out.mcpServers)[string];
    }
  }
  return out;
}
