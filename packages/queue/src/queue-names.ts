/** The queue producers and workers use when given no name. */
export const DEFAULT_QUEUE_NAME = 'ccflow';

/** The spans `@ccflow/queue` starts. */
export const QUEUE_SPAN = Object.freeze({
  /** A job on its worker, a child of the caller's span (its context travels in the job). */
  process: 'ccflow.queue.process',
});
