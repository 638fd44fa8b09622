/**
 * A `ConnectionProvider` and `Connection` playing scripted turns, for unit tests of live sessions: each `send` plays
 * the next scripted turn's raw `stream-json` lines (read by the real parser) on the one `messages` stream.
 */
import {
  CliExecutionError,
  type Connection,
  type ConnectionLease,
  type ConnectionProvider,
  type ControlRequest,
  type ControlResponse,
  type OpenRequest,
  type Prompt,
} from '@ccflow/core';
import { type Message, MessageParser } from '@ccflow/parser';
import { mockLines } from '@ccflow/testing';

export interface ScriptedTurn {
  /** The turn's lines, its `result` last. */
  lines: readonly unknown[];
  /** Hold the result back until `interrupt()`, which ends the turn with an `error_during_execution` result. */
  stall?: boolean;
}

/** One live CLI, as far as a session can tell. */
export class ScriptedConnection implements Connection {
  sessionId: string | undefined;
  isOpen = true;
  readonly waitingOnHost = false;
  readonly sent: Prompt[] = [];
  readonly controls: ControlRequest[] = [];
  interrupts = 0;
  /** Control requests with these subtypes are refused. */
  readonly refuse = new Set<string>();
  readonly #turns: ScriptedTurn[];
  readonly #parser = new MessageParser();
  readonly #queue: Message[] = [];
  #failure: unknown;
  #wake: (() => void) | undefined;
  /** The result of the stalled turn in progress, held back until `interrupt()`. */
  #held: Record<string, unknown> | undefined;
  readonly messages: AsyncIterable<Message>;

  constructor(turns: readonly ScriptedTurn[]) {
    this.#turns = [...turns];
    const iterator: AsyncIterator<Message> = {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
    // One consumer across turns: every loop over `messages` continues the same stream.
    this.messages = { [Symbol.asyncIterator]: () => iterator };
  }

  async send(prompt: Prompt): Promise<void> {
    if (!this.isOpen) throw new CliExecutionError({ message: 'the connection is closed' });
    this.sent.push(prompt);
    const turn = this.#turns.shift();
    if (!turn) throw new Error(`ScriptedConnection: no scripted turn for message #${this.sent.length}`);
    const lines = [...turn.lines];
    if (turn.stall) this.#held = lines.pop() as Record<string, unknown>;
    for (const line of lines) this.#push(line);
  }

  async control(request: ControlRequest): Promise<ControlResponse> {
    if (!this.isOpen) throw new CliExecutionError({ message: 'the connection is closed' });
    this.controls.push(request);
    if (this.refuse.has(request.subtype))
      throw new CliExecutionError({ message: `refused: ${request.subtype}` });
    return {};
  }

  async interrupt(): Promise<void> {
    this.interrupts += 1;
    const held = this.#held;
    this.#held = undefined;
    if (held) this.#push({ ...held, subtype: 'error_during_execution', is_error: true, result: undefined });
  }

  async close(): Promise<void> {
    this.isOpen = false;
    this.#wake?.();
  }

  /** The process dies: the stream throws, and nothing more can be sent. */
  kill(): void {
    this.#failure = new CliExecutionError({ message: 'claude exited with code 137' });
    void this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #push(line: unknown): void {
    for (const m of this.#parser.parse(structuredClone(line))) {
      if (m.type === 'system' && m.subtype === 'init') this.sessionId = m.sessionId;
      this.#queue.push(m);
    }
    this.#wake?.();
  }

  async #next(): Promise<IteratorResult<Message>> {
    for (;;) {
      const m = this.#queue.shift();
      if (m) return { done: false, value: m };
      if (this.#failure) throw this.#failure;
      if (!this.isOpen) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

/** The turns of one connection, or a function of the request that opens it. */
export type Script = readonly ScriptedTurn[] | ((request: OpenRequest) => readonly ScriptedTurn[]);

/** Each `open` gives the next scripted connection; records what it was asked and how each lease was released. */
export class ScriptedProvider implements ConnectionProvider {
  readonly specificationVersion = 'v1';
  readonly opened: {
    request: OpenRequest;
    connection: ScriptedConnection;
    released?: { reusable?: boolean };
  }[] = [];
  readonly #scripts: Script[];
  /** Awaited by each `open` before it opens: lets a test act while a session waits for its connection. */
  beforeOpen: (() => Promise<void>) | undefined;

  /** `scripts`: the turns of each connection it will open, in order. */
  constructor(scripts: Script[]) {
    this.#scripts = [...scripts];
  }

  async open(request: OpenRequest): Promise<ConnectionLease> {
    await this.beforeOpen?.();
    request.signal?.throwIfAborted();
    const script = this.#scripts.shift();
    if (!script)
      throw new Error(`ScriptedProvider: no scripted connection for open #${this.opened.length + 1}`);
    const connection = new ScriptedConnection(typeof script === 'function' ? script(request) : script);
    const entry: (typeof this.opened)[number] = { request, connection };
    this.opened.push(entry);
    const release = async (outcome: { reusable?: boolean } = {}) => {
      if (entry.released) return;
      entry.released = outcome;
      await connection.close();
    };
    return { connection, release, [Symbol.asyncDispose]: () => release({ reusable: false }) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const { connection } of this.opened) await connection.close();
  }
}

/**
 * A turn of session `id` as the CLI prints it on a live process: `init`, a text, a result whose `costUsd` is the
 * turn's and `totalCostUsd` the process's running total.
 */
export function liveTurn(
  id: string,
  text: string,
  cost: { costUsd: number; totalCostUsd: number } = { costUsd: 0.01, totalCostUsd: 0.01 },
): ScriptedTurn {
  return {
    lines: [
      mockLines.init({ sessionId: id }),
      mockLines.text(text, { sessionId: id }),
      mockLines.result({ sessionId: id, result: text, inputTokens: 10, outputTokens: 4, ...cost }),
    ],
  };
}
