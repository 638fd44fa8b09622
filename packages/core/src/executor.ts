import type { Message } from '@ccflow/parser';
import type { CLIAgentOptions } from './options.ts';

export interface ExecuteRequest {
  prompt: string;
  options?: CLIAgentOptions;
  /** Stops the execution: the CLI is stopped and the stream throws the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The one contract for running a prompt: the CLI, a pool of warm processes, the API fallback, and the reliability
 * decorators all implement it, so they compose.
 *
 * The stream yields every message of the turn and ends after its `result`. When no result can come (the process
 * crashed, timed out, was aborted), it yields a failed `result` written by ccflow (`raw.ccflow_synthetic`) and then
 * throws the typed error (`CLIExecutionError`, `CLITimeoutError`, or the abort reason). Errors before the first
 * message (`CLINotFoundError`, `ConfigurationError`) are thrown without any message. Breaking out of the loop stops
 * the execution.
 */
export interface Executor {
  execute(request: ExecuteRequest): AsyncIterable<Message>;
}
