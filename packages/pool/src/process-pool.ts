import type { CliAgentOptions, Prompt } from '@ccflow/core';
import type { PoolOptions, ResolvedPoolOptions } from './pool-options.ts';
import { type PoolTask, type SubmitOptions, TaskRun } from './pool-task.ts';
import { type PoolStats, type ShutdownOptions, TaskScheduler } from './task-scheduler.ts';

/**
 * Runs prompts on an executor with bounded concurrency and a bounded queue (the reference's `ProcessPool`): at most
 * `maxWorkers` tasks run at once, in submission order; up to `queueSize` wait; one more is refused at once. Each
 * task is one query on the executor, its outcome a `QueryResult` (see `PoolTask`). The pool owns no process: what
 * the executor does (a CLI per query, a warm process, the decorators around them) is what a task does.
 */
export class ProcessPool implements AsyncDisposable {
  readonly #tasks: TaskScheduler<TaskRun>;

  constructor(options: PoolOptions = {}) {
    this.#tasks = new TaskScheduler('process', options, (init) => new TaskRun(init));
  }

  /** The options in effect, defaults filled in. */
  get options(): ResolvedPoolOptions {
    return this.#tasks.options;
  }

  /** True once `shutdown` was called: no new task is taken. */
  get closed(): boolean {
    return this.#tasks.closed;
  }

  /**
   * Queues a prompt; it starts as soon as a worker is free. Throws at once, queuing nothing: `PoolClosedError`
   * after `shutdown`, `PoolQueueFullError` when `queueSize` tasks already wait.
   */
  submit(prompt: Prompt, options?: CliAgentOptions, init: SubmitOptions = {}): PoolTask {
    return this.#tasks.submit([prompt], options, init)[0] as PoolTask;
  }

  /**
   * Submits every prompt and resolves with their tasks, in input order, once all have ended. All or nothing: when
   * the pool has no room for all of them, `PoolQueueFullError` is thrown and none is queued.
   */
  async map(
    prompts: readonly Prompt[],
    options?: CliAgentOptions,
    init: SubmitOptions = {},
  ): Promise<PoolTask[]> {
    return Promise.all(this.#tasks.submit(prompts, options, init).map((task) => task.done));
  }

  /**
   * The tasks, in the order given, once all have ended (whatever their outcome). An id the pool does not know is a
   * `ConfigurationError`, before any wait.
   */
  gather(...ids: string[]): Promise<PoolTask[]> {
    return this.#tasks.gather(ids);
  }

  /** A task this pool knows: not ended, or among the latest `retainTasks` ended ones. */
  getTask(id: string): PoolTask | undefined {
    return this.#tasks.getTask(id);
  }

  /** Cancels a task by id (see `PoolTask.cancel`); false when unknown, ended or already being stopped. */
  cancel(id: string): boolean {
    return this.#tasks.cancel(id);
  }

  getStats(): PoolStats {
    return this.#tasks.getStats();
  }

  /**
   * Takes no more tasks (`submit` throws `PoolClosedError`), then finishes (`wait`, the default) or cancels the
   * queued and running ones; resolves when every task has ended, so no execution (no CLI) is left running.
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    return this.#tasks.shutdown(options);
  }

  /** `shutdown({ wait: false })`: leaving an `await using` block cancels what is left. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#tasks.shutdown({ wait: false });
  }
}
