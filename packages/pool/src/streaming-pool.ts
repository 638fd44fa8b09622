import type { CliAgentOptions, Prompt } from '@ccflow/core';
import type { PoolOptions, ResolvedPoolOptions } from './pool-options.ts';
import type { SubmitOptions } from './pool-task.ts';
import { type StreamingTask, StreamingTaskRun } from './streaming-task.ts';
import { type PoolStats, type ShutdownOptions, TaskScheduler } from './task-scheduler.ts';

/**
 * A pool whose tasks stream their messages as they arrive (the reference's `StreamingPool`): the limits, queue,
 * timeout, cancellation, stats and shutdown of `ProcessPool`; `submit` gives a `StreamingTask` to iterate.
 */
export class StreamingPool implements AsyncDisposable {
  readonly #tasks: TaskScheduler<StreamingTaskRun>;

  constructor(options: PoolOptions = {}) {
    this.#tasks = new TaskScheduler('streaming', options, (init) => new StreamingTaskRun(init));
  }

  get options(): ResolvedPoolOptions {
    return this.#tasks.options;
  }

  get closed(): boolean {
    return this.#tasks.closed;
  }

  /**
   * Queues a prompt; iterate the task for its messages. Throws at once, queuing nothing: `PoolClosedError` after
   * `shutdown`, `PoolQueueFullError` when `queueSize` tasks already wait.
   */
  submit(prompt: Prompt, options?: CliAgentOptions, init: SubmitOptions = {}): StreamingTask {
    return this.#tasks.submit([prompt], options, init)[0] as StreamingTask;
  }

  /** As `ProcessPool.gather`. */
  gather(...ids: string[]): Promise<StreamingTask[]> {
    return this.#tasks.gather(ids);
  }

  getTask(id: string): StreamingTask | undefined {
    return this.#tasks.getTask(id);
  }

  cancel(id: string): boolean {
    return this.#tasks.cancel(id);
  }

  getStats(): PoolStats {
    return this.#tasks.getStats();
  }

  /** As `ProcessPool.shutdown`. */
  shutdown(options?: ShutdownOptions): Promise<void> {
    return this.#tasks.shutdown(options);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#tasks.shutdown({ wait: false });
  }
}
