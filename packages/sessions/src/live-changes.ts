import { isDeepStrictEqual } from 'node:util';
import { type CliAgentOptions, type ControlRequest, SESSION_CONTROL_OPTIONS } from '@ccflow/core';

/** Options ccflow applies per turn, whatever process runs it: they never call for a new one. */
const PER_TURN: readonly (keyof CliAgentOptions)[] = ['timeoutMs', 'idleTimeoutMs', 'context', 'toon'];

/** Options a running CLI changes by control request. */
const CONTROLLED: readonly (keyof CliAgentOptions)[] = ['model', 'permissionMode'];

/**
 * What it takes for a live CLI started with `running` to run the next turn with `next`: the control requests that
 * change it (none when nothing that matters changed), or `'respawn'` when an option the CLI only takes at start-up
 * differs. Which CLI session to start or resume (`SESSION_CONTROL_OPTIONS`) is not compared: a live process already
 * runs the session.
 *
 * A `model` or `permissionMode` taken back to unset respawns: the default is decided at start-up (the model by
 * `CCFLOW_DEFAULT_MODEL` or the CLI, the mode by the CLI's settings), which only a new process does.
 */
export function liveChanges(running: CliAgentOptions, next: CliAgentOptions): ControlRequest[] | 'respawn' {
  const ignored = new Set<string>([...SESSION_CONTROL_OPTIONS, ...PER_TURN, ...CONTROLLED]);
  if (!isDeepStrictEqual(defined(running, ignored), defined(next, ignored))) return 'respawn';
  const requests: ControlRequest[] = [];
  if (next.permissionMode !== running.permissionMode) {
    if (next.permissionMode === undefined) return 'respawn';
    requests.push({ subtype: 'set_permission_mode', mode: next.permissionMode });
  }
  if (next.model !== running.model) {
    if (next.model === undefined) return 'respawn';
    requests.push({ subtype: 'set_model', model: next.model });
  }
  return requests;
}

/** The options with a value, but those in `ignored`. */
function defined(options: CliAgentOptions, ignored: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).filter(([key, value]) => value !== undefined && !ignored.has(key)),
  );
}
