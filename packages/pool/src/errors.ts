import { CCFlowError, type CCFlowErrorOptions } from '@ccflow/core';

/** The codes of `@ccflow/pool`'s errors. */
export type PoolErrorCode = 'POOL_QUEUE_FULL' | 'POOL_CLOSED' | 'POOL_TASK_CANCELLED' | 'POOL_WAIT_TIMEOUT';

/** The pool's queue was full: the task was refused at once (back-pressure), nothing was queued. */
export class PoolQueueFullError extends CCFlowError {
  static override readonly code = 'POOL_QUEUE_FULL';
  declare readonly code: 'POOL_QUEUE_FULL';
  /** How many tasks the queue holds. */
  readonly queueSize: number;
  constructor(init: CCFlowErrorOptions & { queueSize: number }) {
    super(init);
    this.queueSize = init.queueSize;
  }
  override get isRetryable(): boolean {
    return true;
  }
}

/** The pool was shut down (or is shutting down): it takes no new work. */
export class PoolClosedError extends CCFlowError {
  static override readonly code = 'POOL_CLOSED';
  declare readonly code: 'POOL_CLOSED';
}

/** The task was cancelled (`cancel(id)`, its signal, or a shutdown without waiting) before it finished. */
export class PoolTaskCancelledError extends CCFlowError {
  static override readonly code = 'POOL_TASK_CANCELLED';
  declare readonly code: 'POOL_TASK_CANCELLED';
  readonly taskId: string;
  constructor(init: CCFlowErrorOptions & { taskId: string }) {
    super(init);
    this.taskId = init.taskId;
  }
}

/** No worker (or process) became free within the caller's deadline: local back-pressure. */
export class PoolWaitTimeoutError extends CCFlowError {
  static override readonly code = 'POOL_WAIT_TIMEOUT';
  declare readonly code: 'POOL_WAIT_TIMEOUT';
  readonly timeoutMs: number;
  constructor(init: CCFlowErrorOptions & { timeoutMs: number }) {
    super(init);
    this.timeoutMs = init.timeoutMs;
  }
  override get isRetryable(): boolean {
    return true;
  }
}
