import type { CliAgentOptions, Prompt } from '@ccflow/core';
import type { PoolOptions } from './pool-options.ts';
import { PoolTask, type SubmitOptions } from './pool-task.ts';
import { TaskPool } from './task-pool.ts';

/**
 * Runs prompts on an executor with bounded concurrency and a bounded queue (the reference's `ProcessPool`): each
 * task is one query, its outcome a `QueryResult`. See `TaskPool` for the limits, `PoolTask` for a task.
 */
export class ProcessPool extends TaskPool<PoolTask> {
  constructor(options: PoolOptions = {}) {
    super('process', options);
  }

  /**
   * Queues a prompt; it starts as soon as a worker is free. Throws at once, queuing nothing: `PoolClosedError`
   * after `shutdown`, `PoolQueueFullError` when `queueSize` tasks already wait.
   */
  submit(prompt: Prompt, options?: CliAgentOptions, init: SubmitOptions = {}): PoolTask {
    this.checkRoom(1);
    return this.enqueue((task) => new PoolTask(task), prompt, options, init);
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
    this.checkRoom(prompts.length);
    const tasks = prompts.map((prompt) => this.enqueue((task) => new PoolTask(task), prompt, options, init));
    return Promise.all(tasks.map((task) => task.done));
  }
}
