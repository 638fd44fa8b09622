import type { Message } from '@ccflow/parser';
import type { HookMatchers } from './hooks.ts';
import type { InProcessMcpServer } from './in-process-mcp.ts';
import type { CliAgentOptions } from './options.ts';
import type { CanUseTool } from './permissions.ts';
import type { Prompt } from './prompt.ts';

/**
 * One turn to run. Everything but `host` and `signal` is JSON data, so a request can be queued, stored, sent to
 * another machine or logged (after redaction) as it is.
 */
export interface ExecuteRequest {
  /** Text, or content blocks (text and images). */
  prompt: Prompt;
  options?: CliAgentOptions;
  /** Stops the execution: the CLI is stopped and the stream throws the signal's reason. */
  signal?: AbortSignal;
  /** Callbacks into the caller's process: never stored, serialised or logged. */
  host?: ExecutionHost;
}

/**
 * What runs in the caller's process while a turn runs. Only the executor that runs the CLI here calls them; an
 * executor that sends the request elsewhere (a queue) cannot, and says so in its `capabilities`.
 */
export interface ExecutionHost {
  /** The CLI's stderr as it arrives (ccflow always drains it, and keeps the end of it for errors). */
  onStderr?: (chunk: string) => void;
  /** Decides tool calls the CLI's rules leave open (the CLI asks over the control protocol). */
  canUseTool?: CanUseTool;
  /**
   * How long a `canUseTool` answer is waited for before the call is denied, in ms (default 60 000; `Infinity` for
   * none): the CLI waits for it forever, and the turn with it.
   */
  canUseToolTimeoutMs?: number;
  /** Hook callbacks by event (`PreToolUse`, `Stop`...), registered with the CLI when it starts. */
  hooks?: HookMatchers;
  /** MCP servers that run in this process, by name (see `@ccflow/core/mcp`). */
  mcpServers?: Record<string, InProcessMcpServer>;
}

/** What an executor can do beyond running a prompt. Decorators report their inner executor's. */
export interface ExecutorCapabilities {
  /** Continues CLI sessions (`resume`, `forkSession`, `continue`): `Session` needs it. */
  readonly resume: boolean;
  /** Runs Claude Code's tools (Bash, Read, MCP servers...), not the model alone. */
  readonly tools: boolean;
  /** Calls `request.host` callbacks. */
  readonly host: boolean;
}

/** The version of this contract; a later one can arrive beside it and executors say which they implement. */
export type ExecutorSpecificationVersion = 'v1';

/**
 * The one contract for running a prompt: the CLI, a pool of warm processes, the API fallback, and the reliability
 * decorators all implement it, so they compose.
 *
 * The stream yields every message of the turn and ends after its `result`. When no result can come (the process
 * crashed, timed out, was aborted), it yields a failed `result` written by ccflow (`raw.ccflow_synthetic`) and then
 * throws the typed error (`CliExecutionError`, `CliTimeoutError`, or the abort reason). Errors before the first
 * message (`CliNotFoundError`, `ConfigurationError`) are thrown without any message. Breaking out of the loop stops
 * the execution.
 *
 * An executor that owns resources beyond one execution (live processes, connections) is async-disposable; a
 * decorator disposes the executor it wraps.
 */
export interface Executor {
  readonly specificationVersion: ExecutorSpecificationVersion;
  readonly capabilities: ExecutorCapabilities;
  execute(request: ExecuteRequest): AsyncIterable<Message>;
  [Symbol.asyncDispose]?(): Promise<void>;
}

/** What the CLI run here can do: everything. */
export const CLI_CAPABILITIES: ExecutorCapabilities = Object.freeze({
  resume: true,
  tools: true,
  host: true,
});

/**
 * The members a decorator takes from the executor it wraps: its capabilities, and disposing it. For classes that
 * wrap one `inner` executor.
 */
export abstract class ExecutorDecorator implements Executor {
  readonly specificationVersion = 'v1';

  constructor(readonly inner: Executor) {}

  get capabilities(): ExecutorCapabilities {
    return this.inner.capabilities;
  }

  abstract execute(request: ExecuteRequest): AsyncIterable<Message>;

  async [Symbol.asyncDispose](): Promise<void> {
    await this.inner[Symbol.asyncDispose]?.();
  }
}
