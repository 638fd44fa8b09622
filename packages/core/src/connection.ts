import type { Message } from '@ccflow/parser';
import type { ExecutionHost } from './executor.ts';
import type { CliAgentOptions, PermissionMode } from './options.ts';
import type { Prompt } from './prompt.ts';

/**
 * A request of the control protocol, sent to the CLI on stdin as a `control_request` line and answered by a
 * `control_response` with the same `request_id`: the ones ccflow sends. `initialize` carries what the CLI takes at
 * start-up off argv (hooks, agents, system prompt, JSON schema).
 */
export type ControlRequest =
  | { subtype: 'initialize'; [field: string]: unknown }
  | { subtype: 'interrupt' }
  /** `undefined`: back to the default model. */
  | { subtype: 'set_model'; model: string | undefined }
  | { subtype: 'set_permission_mode'; mode: PermissionMode };

/** What a successful control response carries (its `response` field, without `subtype`). */
export type ControlResponse = Record<string, unknown>;

export interface SendInit {
  /** The user message's id (a UUID), to rewind files to it later; none by default. */
  uuid?: string;
}

export interface ControlOptions {
  signal?: AbortSignal;
  /** How long to wait for the answer before a `CliTimeoutError`. */
  timeoutMs?: number;
}

/**
 * One live CLI process across turns (`--input-format stream-json`): user messages go in with `send`, everything the
 * CLI prints comes out of `messages`, and control requests travel beside them. Options fixed at spawn stay fixed,
 * except what control requests change (model, permission mode).
 *
 * Turns are the caller's to delimit: a turn ends with its `result` message, and the next `send` starts another in
 * the same CLI session. When the process ends unexpectedly, `messages` yields a synthetic failed `result` (if a turn
 * was running) and throws the typed error, as an `Executor` stream does. Disposing ends the process tree.
 */
export interface Connection extends AsyncDisposable {
  /** The CLI session id, once the CLI has reported it (its first `init`). */
  readonly sessionId: string | undefined;
  /** False once the process has ended or is ending: nothing more can be sent. */
  readonly isOpen: boolean;
  /**
   * True while the CLI waits for one of the host's callbacks (`canUseTool`, a hook, an in-process tool): the turn is
   * busy here, not idle, so `runTurn`'s idle limit does not count it.
   */
  readonly waitingOnHost: boolean;
  /** Sends one user message. Rejects when the connection is closed. */
  send(prompt: Prompt, init?: SendInit): Promise<void>;
  /** Every message the CLI prints, in order, across turns. One consumer; breaking out of it closes the connection. */
  readonly messages: AsyncIterable<Message>;
  /** Sends a control request and resolves with its response; a refusal is a typed error, so is no answer in time. */
  control(request: ControlRequest, init?: ControlOptions): Promise<ControlResponse>;
  /** Ends the turn in progress early; it still ends with its `result` and the connection stays usable. */
  interrupt(init?: ControlOptions): Promise<void>;
  /** Ends the process and everything it started (the stop ladder); idempotent. */
  close(): Promise<void>;
}

/** What a provider is asked to open: data, the callbacks to run here, and a way to give up waiting. */
export interface OpenRequest {
  options?: CliAgentOptions;
  host?: ExecutionHost;
  signal?: AbortSignal;
}

/**
 * A connection lent by a provider. `release` gives it back: a provider that keeps processes (a warm pool) may reuse
 * it; one that spawned it ends it. Pass `reusable: false` when the caller saw it fail or left a turn unfinished, so it
 * is ended rather than lent again. Disposing the lease releases it as not reusable, unless already released.
 */
export interface ConnectionLease extends AsyncDisposable {
  readonly connection: Connection;
  release(outcome?: { reusable?: boolean }): Promise<void>;
}

/** The version of the connection contracts, so a later one can arrive beside them. */
export type ConnectionSpecificationVersion = 'v1';

/**
 * Where live connections come from: a spawner that starts a CLI per `open`, or a pool that lends a warm one whose
 * spawn-time options match. A `Session` given a provider holds one lease across its turns (live mode), and resumes by
 * session id when it loses the lease. Disposing a provider ends every connection it still owns.
 */
export interface ConnectionProvider extends AsyncDisposable {
  readonly specificationVersion: ConnectionSpecificationVersion;
  open(request: OpenRequest): Promise<ConnectionLease>;
}
