/** Work across machines on BullMQ and Redis (`@ccflow/queue`): `QueueExecutor`, `startWorker`. Needs a Redis server. */
export * from '@ccflow/queue';
