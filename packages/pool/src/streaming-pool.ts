import type { CliAgentOptions, Prompt } from '@ccflow/core';
import type { PoolOptions } from './pool-options.ts';
import type { SubmitOptions } from './pool-task.ts';
import { StreamingTask } from './streaming-task.ts';
import { TaskPool } from './task-pool.ts';

/**
 * A `ProcessPool` whose tasks stream their messages as they arrive (the reference's `StreamingPool`): the same
 * limits, queue, timeout, cancellation and stats; `submit` gives a `StreamingTask` to iterate.
 */
export class StreamingPool extends TaskPool<StreamingTask> {
  constructor(options: PoolOptions = {}) {
    super('streaming', options);
  }

  /**
   * Queues a prompt; iterate the task for its messages. Throws at once, queuing nothing: `PoolClosedError` after
   * `shutdown`, `PoolQueueFullError` when `queueSize` tasks already wait.
   */
  submit(prompt: Prompt, options?: CliAgentOptions, init: SubmitOptions = {}): StreamingTask {
    this.checkRoom(1);
    return this.enqueue((task) => new StreamingTask(task), prompt, options, init);
  }
}
