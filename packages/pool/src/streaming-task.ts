import type { Message } from '@ccflow/parser';
import { type PoolTask, TaskRun } from './pool-task.ts';

/**
 * A pool task whose messages can be read as they arrive: iterating it yields every message of the run from the
 * first (each iteration replays what came before, then follows), and, as an executor's stream does, throws the
 * error the execution ended with (`PoolTaskCancelledError` for a task cancelled in the queue). Leaving a loop early
 * cancels the task, as leaving an executor's loop stops the execution.
 *
 * The run goes at the executor's pace, not the reader's: a slow reader never holds a worker, and the messages are
 * kept on the task until it is dropped.
 */
export interface StreamingTask extends PoolTask, AsyncIterable<Message> {
  /** The messages so far. */
  readonly messages: readonly Message[];
}

/** A `StreamingTask` as the pool drives it. */
export class StreamingTaskRun extends TaskRun implements StreamingTask {
  readonly #messages: Message[] = [];
  #wake: (() => void)[] = [];
  #ended = false;
  #thrown: { error: unknown } | undefined;

  get messages(): readonly Message[] {
    return this.#messages;
  }

  protected override observe(message: Message): void {
    this.#messages.push(message);
    this.#notify();
  }

  protected override ended(thrown: unknown): void {
    this.#ended = true;
    if (thrown !== undefined) this.#thrown = { error: thrown };
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Message> {
    let next = 0;
    let finished = false;
    try {
      for (;;) {
        if (next < this.#messages.length) yield this.#messages[next++]!;
        else if (this.#ended) break;
        else await new Promise<void>((resolve) => this.#wake.push(resolve));
      }
      finished = true;
      if (this.#thrown) throw this.#thrown.error;
    } finally {
      if (!finished) this.cancel();
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}
