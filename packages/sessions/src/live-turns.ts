import {
  type CliAgentOptions,
  CONFIG,
  type Connection,
  type ConnectionLease,
  type ConnectionProvider,
  type ExecutionHost,
  type Prompt,
  runTurn,
  runtime,
} from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { liveChanges } from './live-changes.ts';

/**
 * A live session's turns on one leased connection: the lease is opened by the first turn and kept across turns. Before
 * a turn, options the running CLI can change (model, permission mode) are changed by control request; any other
 * difference, a refused control request, or a connection that has closed (the process died) releases the lease, and
 * the turn opens a new one with the turn's options, which resume the CLI session by id. A turn that does not end with
 * its result (it failed, was aborted, or its consumer stopped reading) releases the lease as not reusable.
 */
export class LiveTurns {
  readonly provider: ConnectionProvider;
  readonly #host: ExecutionHost | undefined;
  #lease: ConnectionLease | undefined;
  /** What the leased CLI runs with now: the options it was opened with, and the changes made since. */
  #running: CliAgentOptions = {};
  /** The connection of the turn in progress, once the turn has been sent on it. */
  #turn: Connection | undefined;
  /** Set by `interrupt()` before the turn is sent (it is getting its connection): that turn is not sent. */
  #interrupted = false;
  #closed = false;

  constructor(provider: ConnectionProvider, host: ExecutionHost | undefined) {
    this.provider = provider;
    this.#host = host;
  }

  /**
   * Runs one turn with `options` (the session's, with which CLI session to start or resume) and yields its messages up
   * to its `result` (see `runTurn`). An interrupted turn that had not reached the CLI yields nothing.
   */
  async *turn(prompt: Prompt, options: CliAgentOptions, signal?: AbortSignal): AsyncGenerator<Message> {
    let lease: ConnectionLease | undefined;
    let sent = false;
    let ended = false;
    try {
      lease = await this.#ready(options, signal);
      if (this.#interrupted || this.#closed) return;
      const config = runtime.get(CONFIG);
      const timeoutMs = options.timeoutMs ?? config.defaultTimeoutMs;
      const request = { prompt, signal, timeoutMs, idleTimeoutMs: options.idleTimeoutMs };
      sent = true;
      this.#turn = lease.connection;
      yield* runTurn(lease.connection, request);
      ended = true;
    } finally {
      this.#turn = undefined;
      this.#interrupted = false;
      if (lease) {
        const healthy = (!sent || ended) && lease.connection.isOpen;
        if (!healthy || this.#closed) await this.#release(lease, healthy);
      }
    }
  }

  /**
   * Ends the turn in progress early: it ends with its result and the connection stays for the next turn. A turn still
   * getting its connection is not sent. Nothing happens when no turn is running.
   */
  async interrupt(): Promise<void> {
    if (this.#turn) await this.#turn.interrupt();
    else this.#interrupted = true;
  }

  /**
   * For the session's end: gives the lease back, reusable unless a turn is running on it; a turn still getting its
   * connection gives it back without sending.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#lease) await this.#release(this.#lease, this.#turn === undefined);
  }

  /** The lease to run a turn with `options` on: the current one brought to them, or a new one. */
  async #ready(options: CliAgentOptions, signal: AbortSignal | undefined): Promise<ConnectionLease> {
    const held = this.#lease;
    if (held && !held.connection.isOpen) await this.#release(held, false);
    else if (held) {
      const changes = liveChanges(this.#running, options);
      if (changes === 'respawn') await this.#release(held, true);
      else {
        try {
          for (const request of changes) await held.connection.control(request, { signal });
          this.#running = { ...options };
          return held;
        } catch {
          // Refused or unanswered: a new process starts with the options instead.
          await this.#release(held, false);
          signal?.throwIfAborted();
        }
      }
    }
    const lease = await this.provider.open({ options, host: this.#host, signal });
    this.#lease = lease;
    this.#running = { ...options };
    return lease;
  }

  /** Releases `lease` once: a turn ending after `close()` finds it gone. */
  async #release(lease: ConnectionLease, reusable: boolean): Promise<void> {
    if (this.#lease !== lease) return;
    this.#lease = undefined;
    await lease.release({ reusable });
  }
}
