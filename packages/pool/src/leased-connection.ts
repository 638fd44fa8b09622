import {
  type Connection,
  ConnectionClosedError,
  type ControlOptions,
  type ControlRequest,
  type ControlResponse,
  type Prompt,
} from '@ccflow/core';
import type { Message } from '@ccflow/parser';

/** A live CLI a `WarmPool` can keep: a connection with its process id (`ClaudeConnection` is one). */
export interface WarmConnection extends Connection {
  readonly pid: number;
}

/**
 * The connection a `WarmPool` lease hands out: the pooled process, until the lease is released. After that it is
 * closed to its holder (sends and control requests are refused, `isOpen` is false), so a stale reference cannot reach
 * a process lent to someone else. It also notes what makes the process unfit to lend again: a turn sent and not read
 * to its result, or a control request that changed the process (model, permission mode, a new `initialize`).
 */
export class LeasedConnection implements Connection {
  readonly #inner: WarmConnection;
  #released = false;
  #sent = 0;
  #results = 0;
  #changed = false;
  readonly #onResult: () => void;

  /** `onResult` is told when a turn's result has been read (a draining pool waits for it). */
  constructor(inner: WarmConnection, onResult: () => void = () => {}) {
    this.#inner = inner;
    this.#onResult = onResult;
  }

  get pid(): number {
    return this.#inner.pid;
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  get isOpen(): boolean {
    return !this.#released && this.#inner.isOpen;
  }

  get waitingOnHost(): boolean {
    return this.#inner.waitingOnHost;
  }

  /** Every turn sent was read to its result, and nothing was changed by control request. */
  get pristine(): boolean {
    return this.#sent === this.#results && !this.#changed;
  }

  /** Something was sent: the process holds a conversation (or changes) to reset. */
  get used(): boolean {
    return this.#sent > 0 || this.#changed;
  }

  /** A turn was sent and its result not read yet. */
  get turnRunning(): boolean {
    return this.#sent > this.#results;
  }

  async send(prompt: Prompt, init?: { uuid?: string }): Promise<void> {
    if (this.#released) throw released('send');
    this.#sent++;
    return this.#inner.send(prompt, init);
  }

  readonly messages: AsyncIterable<Message> = {
    [Symbol.asyncIterator]: () => {
      const inner = this.#inner.messages[Symbol.asyncIterator]();
      return {
        next: async (): Promise<IteratorResult<Message>> => {
          if (this.#released) return { done: true, value: undefined };
          const step = await inner.next();
          if (!step.done && step.value.type === 'result') {
            this.#results++;
            this.#onResult();
          }
          return step;
        },
        return: async (): Promise<IteratorResult<Message>> => {
          if (!this.#released) await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };

  control(request: ControlRequest, init?: ControlOptions): Promise<ControlResponse> {
    if (this.#released) return Promise.reject(released(request.subtype));
    if (request.subtype !== 'interrupt') this.#changed = true;
    return this.#inner.control(request, init);
  }

  async interrupt(init?: ControlOptions): Promise<void> {
    await this.control({ subtype: 'interrupt' }, init);
  }

  /** Ends the process (it is not lent again); after the lease is released, does nothing. */
  async close(): Promise<void> {
    if (!this.#released) await this.#inner.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Called by the pool when the lease is released. */
  detach(): void {
    this.#released = true;
  }
}

function released(what: string): ConnectionClosedError {
  return new ConnectionClosedError({
    message: `the lease on this connection was released: cannot ${what === 'send' ? 'send' : `send ${what}`}`,
  });
}
