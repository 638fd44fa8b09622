import { createHash } from 'node:crypto';
import {
  type CliAgentOptions,
  type ExecutionHost,
  resolveOptions,
  SESSION_CONTROL_OPTIONS,
} from '@ccflow/core';

/**
 * Options ccflow applies per turn, whatever process runs it (limits, the turn's context and its encoding): a process
 * started without them serves a request with them.
 */
const PER_TURN: readonly string[] = ['timeoutMs', 'idleTimeoutMs', 'context', 'toon'];

/**
 * What a warm process is for: a digest of the options fixed when the CLI starts (model, prompts, tools and
 * permissions, MCP servers, agents, cwd, env, settings, ...), after defaults are applied, so `{}` and
 * `{ strict: false }` share processes. Model and permission mode are part of it: a process is not switched by control
 * request to serve another key (what the CLI's default is depends on how it started, and the switch would sit on the
 * request's critical path). `undefined`: the request cannot take a shared process and gets one of its own, ended
 * after it: it names a CLI session (`sessionId`, `resume`, `forkSession`, `continueSession`: the process runs that
 * conversation) or brings host callbacks (bound when the CLI starts: hooks and in-process MCP servers are registered
 * at `initialize`, and `/clear` clears the CLI's session hooks). Throws `ConfigurationError` for bad options.
 */
export function spawnKey(options: CliAgentOptions, host?: ExecutionHost): string | undefined {
  const resolved = resolveOptions(options) as Record<string, unknown>;
  if (host && Object.values(host).some((callback) => callback !== undefined)) return undefined;
  const session = SESSION_CONTROL_OPTIONS as readonly string[];
  const fixed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resolved)) {
    if (PER_TURN.includes(name)) continue;
    if (session.includes(name)) {
      if (value !== undefined && value !== false) return undefined;
      continue;
    }
    fixed[name] = value;
  }
  // A digest, so the env's secrets are not kept in one more string.
  return createHash('sha256').update(canonical(fixed)).digest('base64url');
}

/** JSON with sorted keys, `undefined` left out, and RegExps (redaction patterns) written as `/source/flags`. */
function canonical(value: unknown): string {
  if (value instanceof RegExp) return JSON.stringify(String(value));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
