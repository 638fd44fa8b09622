/** Where a queue's Redis lives: a `redis://` URL or ioredis options. */
export type RedisConnection = string | RedisConnectionOptions;

/**
 * ioredis's client options (`host`, `port`, `password`, `tls`, … as ioredis documents them). Declared here, not
 * imported: ioredis's own declarations do not typecheck under `skipLibCheck: false` (they import the untyped
 * `redis-errors`), and a user's project should not inherit that.
 */
export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
  [option: string]: unknown;
}

/** The keys ccflow keeps beside BullMQ's (`bull:<queue>:*`) for one queue. */
export function queueKeys(queueName: string) {
  const base = `ccflow:${queueName}`;
  return {
    /** The stream of a job's output entries, in order, resumable by id. */
    out: (jobId: string) => `${base}:job:${jobId}:out`,
    /** A job's attempt counter, `delivered` (the attempt whose output reached the caller) and `cancelled`. */
    state: (jobId: string) => `${base}:job:${jobId}:state`,
    /** Where cancellations of running jobs are published (the job id). */
    cancel: `${base}:cancel`,
    /** A live worker's heartbeat. */
    worker: (workerId: string) => `${base}:worker:${workerId}`,
    /** The worker holding a session's CLI files. */
    session: (sessionId: string) => `${base}:session:${sessionId}`,
    /** The BullMQ queue of one worker's own jobs (later turns of its sessions). */
    workerQueue: (workerId: string) => `${queueName}.w.${workerId}`,
  };
}
export type QueueKeys = ReturnType<typeof queueKeys>;

/**
 * Starts an attempt: `-1` when an earlier attempt's output reached the caller (running again would repeat it),
 * `-2` when the job was cancelled, else the new attempt's number. Atomic with `DELIVER`, so an attempt either
 * starts before the caller took any output, or never.
 */
export const START_ATTEMPT = `
if redis.call('HEXISTS', KEYS[1], 'delivered') == 1 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'cancelled') == 1 then return -2 end
return redis.call('HINCRBY', KEYS[1], 'attempt', 1)`;

/** The caller takes attempt ARGV[1]'s output: 1 when that attempt is still the current one, else 0. */
export const DELIVER = `
if redis.call('HGET', KEYS[1], 'attempt') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'delivered', ARGV[1])
  return 1
end
return 0`;

/** One entry of a job's output stream. */
export type OutputEntry =
  | { kind: 'message'; attempt: number; message: unknown }
  | { kind: 'end'; attempt: number }
  | { kind: 'error'; attempt: number; error: unknown };

/** Stream fields: `a` the attempt, `m` a message, `e` an error, neither: the end. */
export function entryFields(entry: OutputEntry): string[] {
  const a = ['a', String(entry.attempt)];
  if (entry.kind === 'message') return [...a, 'm', JSON.stringify(entry.message)];
  if (entry.kind === 'error') return [...a, 'e', JSON.stringify(entry.error)];
  return a;
}

export function parseEntry(fields: string[]): OutputEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  const attempt = Number(f.a);
  if (f.m !== undefined) return { kind: 'message', attempt, message: JSON.parse(f.m) };
  if (f.e !== undefined) return { kind: 'error', attempt, error: JSON.parse(f.e) };
  return { kind: 'end', attempt };
}
