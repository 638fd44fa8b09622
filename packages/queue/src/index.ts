export * from './errors.ts';
export { JOB_FORMAT, type JobData, JobDataSchema } from './job-data.ts';
export { QueueExecutor, type QueueExecutorOptions } from './queue-executor.ts';
export { DEFAULT_QUEUE_NAME, QUEUE_SPAN } from './queue-names.ts';
export type { RedisConnection, RedisConnectionOptions } from './redis-keys.ts';
export { type QueueWorker, type StartWorkerOptions, startWorker, type WorkerHealth } from './start-worker.ts';
