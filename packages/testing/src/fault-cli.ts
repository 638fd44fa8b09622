import { fileURLToPath } from 'node:url';

/** One thing the fault CLI does; steps run in order. */
export type FaultStep =
  /** Prints a file's lines verbatim, `lines` as a 0-based `[start, end)` slice, `delayMs` between lines. */
  | { replay: string; delayMs?: number; lines?: [number, number] }
  /** Prints raw text and a newline: garbage, invalid JSON. */
  | { print: string }
  /** Prints one valid assistant line of about `bytes` bytes, in chunks. */
  | { giantLine: { bytes: number } }
  /** Writes text and a newline to stderr `repeat` times (default 1). */
  | { stderr: string; repeat?: number }
  /** Waits this many ms. */
  | { sleep: number }
  /** Waits for a stdin line not yet waited for, or for stdin to end; either returns at end of input. */
  | { waitStdin: 'line' | 'end' }
  /** Starts `sleep seconds` in its own session, as the real CLI runs a Bash tool, and writes its pid to `pidFile`. */
  | { spawnSleeper: { seconds: number; pidFile: string } }
  /** Never ends by itself. */
  | { hang: true }
  /** Exits with this code once stdout is flushed. */
  | { exit: number }
  /** Crashes by sending itself this signal. */
  | { kill: 'SIGKILL' | 'SIGSEGV' };

/** What the fault CLI does, given in `CCFLOW_FAULT_SCRIPT`. After the last step it exits 0. */
export interface FaultScript {
  steps: FaultStep[];
  /** SIGTERM does nothing. Otherwise it kills the CLI, after `record` is written. */
  ignoreSigterm?: boolean;
  /**
   * `result` (default), like the real CLI: kill the sleepers' process groups, print an `error_during_execution`
   * result and exit 0. `exit`: exit 130. `ignore`: nothing.
   */
  onSigint?: 'result' | 'exit' | 'ignore';
  /**
   * A file to write `{argv, stdin, env, pid}` to when stdin ends and on every exit the CLI can intercept. `env` holds
   * only `CCFLOW_*`, `ANTHROPIC_*`, `CLAUDE*` and `TRACEPARENT`.
   */
  record?: string;
}

/** The fault CLI: a stand-in for `claude`, executable without a build, that ignores its argv. */
export const FAULT_CLI_PATH: string = fileURLToPath(new URL('../bin/fault-cli.mjs', import.meta.url));

/** The environment that makes the fault CLI follow a script. */
export function faultEnv(script: FaultScript): { CCFLOW_FAULT_SCRIPT: string } {
  return { CCFLOW_FAULT_SCRIPT: JSON.stringify(script) };
}
