import type { Message } from '@ccflow/parser';
import type { Connection } from './connection.ts';
import type { Prompt } from './prompt.ts';

/** One turn on a live connection. */
export interface TurnRequest {
  prompt: Prompt;
  /** Ends the turn: the connection is closed, a synthetic failed result is yielded, the reason thrown. */
  signal?: AbortSignal;
  /** Wall-clock limit of the turn (a `CliTimeoutError` of kind `total`; the connection is closed). */
  timeoutMs?: number;
  /** Longest silence while waiting for the CLI (kind `idle`). */
  idleTimeoutMs?: number;
}

/**
 * Sends one prompt and yields that turn's messages up to and including its `result`, so `Executor` semantics sit on a
 * connection: a turn that cannot end with a real result (the CLI died, a limit, an abort) yields a synthetic failed
 * `result` and throws the typed error, and leaves the connection closed. Breaking out of the loop mid-turn closes it
 * too (nothing can tell the next turn's messages from this one's rest). After a normal result the connection stays
 * open for the next turn.
 */
export function runTurn(connection: Connection, request: TurnRequest): AsyncIterable<Message> {
  void connection;
  void request;
  throw new Error('runTurn: not yet implemented');
}
