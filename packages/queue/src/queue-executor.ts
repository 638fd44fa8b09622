import { randomUUID } from 'node:crypto';
import type { ExecuteRequest, Executor, ExecutorCapabilities } from '@ccflow/core';
import { syntheticResult } from '@ccflow/core/internal';
import type { Message } from '@ccflow/parser';
import { isPreamble } from '@ccflow/reliability';
import { context, propagation } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { fromWireError, SessionWorkerGoneError, type WireError, WorkerLostError } from './errors.ts';
import { toJobData } from './job-data.ts';
import { DEFAULT_QUEUE_NAME } from './queue-names.ts';
import { connect } from './redis-client.ts';
import {
  DELIVER,
  type OutputEntry,
  parseEntry,
  type QueueKeys,
  queueKeys,
  type RedisConnection,
} from './redis-keys.ts';

export interface QueueExecutorOptions {
  connection: RedisConnection;
  /** Default `ccflow`: the name the workers were started with. */
  queueName?: string;
  /** Runs of a job at most, when a worker's attempt fails with a retryable error before any output reached the caller. Default 3. */
  attempts?: number;
  /** The first retry's delay; each later one doubles it (BullMQ's exponential backoff). Default 1 000 ms. */
  backoffMs?: number;
  /** How long a read waits for output before the job's state is checked (a failed or vanished job). Default 1 000 ms. */
  checkIntervalMs?: number;
}

/** What runs on a worker can do: the CLI's tools and sessions; callbacks into this process cannot travel. */
const QUEUE_CAPABILITIES: ExecutorCapabilities = Object.freeze({ resume: true, tools: true, host: false });

/**
 * An `Executor` that runs each request on a worker of a BullMQ queue (`startWorker`), possibly on another machine,
 * and streams the worker's messages back as they are produced (each job's output is a Redis Stream, read with
 * `XREAD BLOCK`: ordered, and resumable by entry id).
 *
 * Requests must be data: `host` callbacks, `options.env` and other secrets are refused (`ConfigurationError`);
 * workers hold their own credentials. Aborting the request's signal (or leaving the loop) cancels the job: a
 * waiting job is removed and never runs, a running one is stopped on its worker. A job is run again (retryable
 * error, or its worker died) only while none of its output has reached the caller; after that it ends with
 * `WorkerLostError`. Later turns of a session (`resume`) run on the worker that holds its files.
 */
export class QueueExecutor implements Executor, AsyncDisposable {
  readonly specificationVersion = 'v1';
  readonly capabilities = QUEUE_CAPABILITIES;
  readonly queueName: string;
  readonly #connection: RedisConnection;
  readonly #keys: QueueKeys;
  readonly #redis: Redis;
  readonly #queues = new Map<string, Queue>();
  /** Connections for blocking reads, one per running execution, kept for the next. */
  readonly #idle: Redis[] = [];
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #checkIntervalMs: number;
  #closed = false;

  constructor(options: QueueExecutorOptions) {
    this.queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
    this.#connection = options.connection;
    this.#keys = queueKeys(this.queueName);
    this.#redis = connect(options.connection);
    this.#attempts = options.attempts ?? 3;
    this.#backoffMs = options.backoffMs ?? 1_000;
    this.#checkIntervalMs = options.checkIntervalMs ?? 1_000;
  }

  /**
   * The job's messages. As the `Executor` contract asks, a stream that started ends with a result: when it fails
   * before the worker's (the caller aborted, the worker was lost), ccflow's synthetic failed result comes first.
   */
  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const started = performance.now();
    let sessionId: string | undefined;
    let open = false;
    try {
      for await (const message of this.#run(request)) {
        if (message.type === 'system' && message.subtype === 'init') sessionId = message.sessionId;
        open = message.type !== 'result';
        yield message;
      }
    } catch (error) {
      if (open) {
        const reason = error instanceof Error ? error.message : String(error);
        yield syntheticResult({ reason, sessionId, durationMs: performance.now() - started });
      }
      throw error;
    }
  }

  async *#run(request: ExecuteRequest): AsyncGenerator<Message> {
    const { signal } = request;
    signal?.throwIfAborted();
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    const data = toJobData(request, carrier);
    const queue = await this.#route(request);
    const jobId = randomUUID();
    const keys = this.#keys;
    await queue.add('turn', data, {
      jobId,
      attempts: this.#attempts,
      backoff: { type: 'exponential', delay: this.#backoffMs },
      removeOnComplete: true,
      removeOnFail: true,
    });

    const reader = this.#idle.pop() ?? connect(this.#connection);
    let finished = false;
    const onAbort = () => reader.disconnect();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort(); // aborted while the job was being added: the listener came too late
    const follow = new Follower(this.#redis, keys.state(jobId), jobId);
    try {
      let lastId = '0';
      for (;;) {
        let reply: [string, [string, string[]][]][] | null;
        try {
          reply = (await reader.xread(
            'COUNT',
            256,
            'BLOCK',
            this.#checkIntervalMs,
            'STREAMS',
            keys.out(jobId),
            lastId,
          )) as typeof reply;
        } catch (error) {
          signal?.throwIfAborted();
          throw error;
        }
        if (reply === null) {
          await this.#check(queue, jobId, keys, lastId, follow);
          if (follow.done) break;
          continue;
        }
        for (const [id, fields] of reply[0]![1]) {
          lastId = id;
          for (const m of await follow.take(parseEntry(fields))) {
            signal?.throwIfAborted();
            yield m;
          }
          if (follow.done) break;
        }
        if (follow.done) break;
      }
      finished = true;
      if (follow.error) throw follow.error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (reader.status === 'ready' && !this.#closed) this.#idle.push(reader);
      else reader.disconnect();
      if (finished) await this.#redis.del(keys.out(jobId), keys.state(jobId));
      else await this.#cancel(queue, jobId);
    }
  }

  /** The shared queue, or the queue of the worker holding the resumed session's files. */
  async #route(request: ExecuteRequest): Promise<Queue> {
    const resume = request.options?.resume;
    if (resume === undefined) return this.#queue(this.queueName);
    const workerId = await this.#redis.get(this.#keys.session(resume));
    // A session no worker recorded (started elsewhere, or on a shared disk) goes to any worker.
    if (workerId === null) return this.#queue(this.queueName);
    if ((await this.#redis.exists(this.#keys.worker(workerId))) === 0)
      throw new SessionWorkerGoneError({ sessionId: resume, workerId });
    return this.#queue(this.#keys.workerQueue(workerId));
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#redis });
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** No output for a while: a job that failed without an entry (stalled too often) or whose worker is gone ends. */
  async #check(
    queue: Queue,
    jobId: string,
    keys: QueueKeys,
    lastId: string,
    follow: Follower,
  ): Promise<void> {
    const state = await queue.getJobState(jobId);
    let lost = state === 'failed' || state === 'unknown';
    if (!lost && queue.name !== this.queueName) {
      const workerId = queue.name.slice(this.queueName.length + 3);
      lost = (await this.#redis.exists(keys.worker(workerId))) === 0;
    }
    if (!lost) return;
    // Entries written just before the job ended come first.
    const rest = (await this.#redis.xrange(keys.out(jobId), `(${lastId}`, '+')) as [string, string[]][];
    for (const [, fields] of rest) {
      const taken = await follow.take(parseEntry(fields));
      if (taken.length > 0 || follow.done) break;
    }
    if (follow.done) return;
    await queue.remove(jobId).catch(() => 0);
    follow.fail(
      new WorkerLostError({
        jobId,
        message: `job ${jobId} ended without a result: its worker stopped (state ${state})`,
      }),
    );
  }

  /** Removes a waiting job; tells a running one's worker to stop it. */
  async #cancel(queue: Queue, jobId: string): Promise<void> {
    const keys = this.#keys;
    const removed = await queue.remove(jobId).catch(() => 0);
    if (removed === 1) {
      await this.#redis.del(keys.out(jobId), keys.state(jobId));
      return;
    }
    await this.#redis
      .multi()
      .hset(keys.state(jobId), 'cancelled', '1')
      .pexpire(keys.state(jobId), 3600_000)
      .pexpire(keys.out(jobId), 60_000)
      .publish(keys.cancel, jobId)
      .exec();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    for (const r of this.#idle.splice(0)) r.disconnect();
    this.#redis.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Follows one job's output across its attempts. Messages of an attempt are held while they carry no output
 * (`init`, notices, a failed result); the first output commits the attempt, atomically with the workers (`DELIVER`):
 * from then on, no attempt starts again, and entries of other attempts are ignored.
 */
class Follower {
  done = false;
  error: Error | undefined;
  #attempt = 0;
  #committed: number | undefined;
  #held: Message[] = [];
  /** Attempts the workers moved past before the caller took their output. */
  #fencedUpTo = 0;

  constructor(
    readonly redis: Redis,
    readonly stateKey: string,
    readonly jobId: string,
  ) {}

  fail(error: Error): void {
    this.done = true;
    this.error = error;
  }

  /** The messages to yield for an entry. */
  async take(entry: OutputEntry): Promise<Message[]> {
    if (this.done) return [];
    // Written outside any attempt: the job was bad, or could not run again.
    if (entry.attempt <= 0) {
      if (entry.kind === 'error') this.fail(fromWireError(entry.error as WireError));
      return [];
    }
    if (entry.attempt <= this.#fencedUpTo) return [];
    if (this.#committed !== undefined) {
      if (entry.attempt !== this.#committed) return [];
      return this.#settle(entry, []);
    }
    if (entry.attempt < this.#attempt) return [];
    if (entry.attempt > this.#attempt) {
      this.#attempt = entry.attempt;
      this.#held = [];
    }
    if (entry.kind === 'message') {
      const m = entry.message as Message;
      if (isPreamble(m) || (m.type === 'result' && m.isError)) {
        this.#held.push(m);
        return [];
      }
    }
    const won = Number(await this.redis.eval(DELIVER, 1, this.stateKey, String(this.#attempt)));
    if (won !== 1) {
      this.#fencedUpTo = this.#attempt;
      this.#held = [];
      return [];
    }
    this.#committed = this.#attempt;
    return this.#settle(entry, this.#held.splice(0));
  }

  #settle(entry: OutputEntry, out: Message[]): Message[] {
    if (entry.kind === 'message') out.push(entry.message as Message);
    else if (entry.kind === 'end') this.done = true;
    else this.fail(fromWireError(entry.error as WireError));
    return out;
  }
}
