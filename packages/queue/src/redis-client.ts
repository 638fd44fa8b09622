import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from './redis-keys.ts';

/** A new client; `maxRetriesPerRequest: null` as BullMQ needs for its blocking connections. */
export function connect(connection: RedisConnection): Redis {
  return typeof connection === 'string'
    ? new Redis(connection, { maxRetriesPerRequest: null })
    : new Redis({ ...(connection as RedisOptions), maxRetriesPerRequest: null });
}
