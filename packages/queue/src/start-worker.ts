import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AbortedError, type CliAgentOptions, type Executor, type Prompt, Redactor } from '@ccflow/core';
import { WarmPool } from '@ccflow/pool';
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Job, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { InvalidJobError, toWireError, type WireError, WorkerLostError } from './errors.ts';
import { parseJob } from './job-data.ts';
import { DEFAULT_QUEUE_NAME, QUEUE_SPAN } from './queue-names.ts';
import { connect } from './redis-client.ts';
import {
  entryFields,
  type OutputEntry,
  queueKeys,
  type RedisConnection,
  START_ATTEMPT,
} from './redis-keys.ts';

export interface StartWorkerOptions {
  connection: RedisConnection;
  /** Default `ccflow`: producers and workers of one queue use the same name. */
  queueName?: string;
  /** What runs the turns. Default: a `WarmPool` of `concurrency` processes, disposed by `close()`. */
  executor?: Executor;
  /** Jobs this worker runs at once. Default 1. */
  concurrency?: number;
  /** This worker's id (unique among the queue's workers). Default `<hostname>-<pid>-<random>`. */
  id?: string;
  /** Jobs running at once across every worker of the queue (BullMQ's global concurrency). */
  globalConcurrency?: number;
  /** Jobs started per `durationMs` across every worker of the queue (BullMQ's limiter). */
  rateLimit?: { max: number; durationMs: number };
  /** How long a job's lock lasts without renewal: a worker that stops renewing it (killed) is found stalled after it. Default 30 000. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for. Default 30 000. */
  stalledIntervalMs?: number;
  /** How often this worker says it is alive (its sessions' turns fail fast once it is not). Default 2 000. */
  heartbeatMs?: number;
  /** How long a session's `sessionId → worker` route is kept after its last turn. Default 7 days. */
  sessionTtlMs?: number;
}

export interface WorkerHealth {
  id: string;
  /** Jobs running now. */
  running: number;
  completed: number;
  failed: number;
  /** False once `close()` began. */
  accepting: boolean;
  /** The Redis connection's state (`ready` when healthy). */
  redis: string;
}

export interface QueueWorker {
  readonly id: string;
  health(): WorkerHealth;
  /**
   * Stops taking jobs. `graceful` (default true): running jobs finish first. `graceful: false`: running turns are
   * stopped and their jobs handed back to the queue, where another worker runs them again if none of their output
   * had reached the caller (else they end with `WorkerLostError`).
   */
  close(options?: { graceful?: boolean }): Promise<void>;
}

const SHUTDOWN = 'ccflow worker shutdown';

/**
 * Whether a run that started the CLI (it printed `init`) left something on disk another run would collide with: a
 * chosen `sessionId` is taken, a resumed session (not forked) already holds the prompt. Such a job is not run again.
 */
function touchesSession(o: CliAgentOptions): boolean {
  return (
    o.sessionId !== undefined ||
    ((o.resume !== undefined || o.continueSession === true) && o.forkSession !== true)
  );
}

/**
 * Runs the queue's jobs on `executor`: each job's messages go to its output stream as they are produced, its errors
 * as typed entries. Takes jobs from the shared queue and from its own (later turns of sessions it started).
 */
export async function startWorker(options: StartWorkerOptions): Promise<QueueWorker> {
  const concurrency = options.concurrency ?? 1;
  const id = options.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const keys = queueKeys(queueName);
  const ownsExecutor = options.executor === undefined;
  // A job BullMQ gave this worker waits for a process (its lock renewed) rather than fail: with sticky turns the
  // worker can hold more jobs than processes.
  const executor =
    options.executor ??
    new WarmPool({ maxProcesses: concurrency, minProcesses: 0, acquireTimeoutMs: Number.POSITIVE_INFINITY });
  const sessionTtlMs = options.sessionTtlMs ?? 7 * 24 * 3600_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const redis = connect(options.connection);
  const subscriber = connect(options.connection);
  const redactor = new Redactor();
  const counts = { running: 0, completed: 0, failed: 0 };
  let accepting = true;
  let handingBack = false;

  const beat = () => redis.set(keys.worker(id), String(process.pid), 'PX', heartbeatMs * 3);
  await beat();
  const heartbeat = setInterval(() => beat().catch(() => {}), heartbeatMs);

  const workers: Worker[] = [];
  const cancel = (jobId: string) => {
    for (const w of workers) w.cancelJob(jobId, 'cancelled by the caller');
  };
  await subscriber.subscribe(keys.cancel);
  subscriber.on('message', (_channel, jobId: string) => cancel(jobId));

  async function processJob(
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const jobId = job.id!;
    const out = keys.out(jobId);
    const write = (entry: OutputEntry) => redis.xadd(out, '*', ...entryFields(entry));
    const end = async (entry: OutputEntry) => {
      await redis
        .multi()
        .xadd(out, '*', ...entryFields(entry))
        .pexpire(out, 3600_000)
        .exec();
    };
    const parsed = parseJob(job.data);
    if (!parsed.ok) {
      await end({
        kind: 'error',
        attempt: 0,
        error: toWireError(new InvalidJobError({ message: `invalid job ${jobId}: ${parsed.problem}` })),
      });
      throw new UnrecoverableError(`invalid job: ${parsed.problem}`);
    }
    const attempt = Number(await redis.eval(START_ATTEMPT, 1, keys.state(jobId)));
    if (attempt === -2) throw new UnrecoverableError('cancelled by the caller');
    if (attempt === -1) {
      const lost = new WorkerLostError({
        jobId,
        message: `job ${jobId}: its worker stopped after output had reached the caller; not run again`,
      });
      await end({ kind: 'error', attempt: -1, error: toWireError(lost) });
      throw new UnrecoverableError(lost.message);
    }
    const { job: data, options: requestOptions } = parsed;
    const parent = propagation.extract(ROOT_CONTEXT, data.trace);
    const span = trace.getTracer('@ccflow/queue').startSpan(
      QUEUE_SPAN.process,
      {
        attributes: {
          'ccflow.queue.job_id': jobId,
          'ccflow.queue.worker_id': id,
          'ccflow.queue.attempt': attempt,
        },
      },
      parent,
    );
    counts.running++;
    let pending: Promise<unknown> = Promise.resolve();
    let started = false;
    try {
      await context.with(trace.setSpan(parent, span), async () => {
        let sessionId: string | undefined;
        for await (const message of executor.execute({
          prompt: data.prompt as Prompt,
          options: requestOptions,
          signal,
        })) {
          const m = message as { type: string; sessionId?: string };
          if ((m.type === 'system' || m.type === 'result') && typeof m.sessionId === 'string')
            sessionId = m.sessionId;
          started ||= m.type === 'system';
          pending = write({ kind: 'message', attempt, message: redactor.value(message) });
          pending.catch(() => {});
        }
        await pending;
        if (sessionId !== undefined) await routeSession(sessionId, requestOptions);
        await end({ kind: 'end', attempt });
      });
      counts.completed++;
    } catch (error) {
      await pending.catch(() => {});
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      counts.failed++;
      await settleFailure(job, token, attempt, error, signal, started && touchesSession(requestOptions));
    } finally {
      counts.running--;
      span.end();
    }

    async function routeSession(sessionId: string, o: CliAgentOptions) {
      // A new session (or a fork) lives where it ran; a resumed one stays where it was.
      const multi = redis.multi().set(keys.session(sessionId), id, 'PX', sessionTtlMs);
      if (o.resume !== undefined && o.forkSession !== true)
        multi.pexpire(keys.session(o.resume), sessionTtlMs);
      await multi.exec();
    }

    async function settleFailure(
      job: Job,
      token: string | undefined,
      attempt: number,
      error: unknown,
      signal: AbortSignal | undefined,
      sessionTaken: boolean,
    ): Promise<never> {
      const shutdown = handingBack && signal?.aborted === true;
      const attemptsLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      const retryable =
        !sessionTaken &&
        (shutdown ||
          (attemptsLeft && !signal?.aborted && (error as { isRetryable?: boolean }).isRetryable === true));
      if (retryable) {
        // Fences this attempt: once the counter moves on, the caller no longer takes its output.
        const next = Number(await redis.eval(START_ATTEMPT, 1, keys.state(jobId)));
        if (next > 0) {
          if (shutdown) {
            await job.moveToWait(token);
            throw new WaitingError();
          }
          // BullMQ keeps the message and stack of a failed attempt in the job's hash: only the redacted message.
          throw new Error(redactor.text(error instanceof Error ? error.message : String(error)));
        }
      }
      const reported = shutdown
        ? new WorkerLostError({
            jobId,
            message: `job ${jobId}: its worker shut down after output had reached the caller`,
          })
        : signal?.aborted
          ? new AbortedError({ message: 'cancelled by the caller', cause: error })
          : error;
      const wire = redactor.value(toWireError(reported)) as WireError; // every field: stderr too
      await end({ kind: 'error', attempt, error: wire });
      throw new UnrecoverableError(wire.message);
    }
  }

  const workerOptions = {
    connection: redis,
    concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: 1,
    name: id,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 1000 },
  };
  workers.push(
    new Worker(queueName, processJob, {
      ...workerOptions,
      ...(options.rateLimit && {
        limiter: { max: options.rateLimit.max, duration: options.rateLimit.durationMs },
      }),
    }),
    new Worker(keys.workerQueue(id), processJob, workerOptions),
  );
  for (const w of workers) w.on('error', () => {});
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  if (options.globalConcurrency !== undefined) {
    const queue = new Queue(queueName, { connection: redis });
    await queue.setGlobalConcurrency(options.globalConcurrency);
    await queue.close();
  }

  let closing: Promise<void> | undefined;
  return {
    id,
    health: () => ({ id, ...counts, accepting, redis: redis.status }),
    close: ({ graceful = true } = {}) => {
      closing ??= (async () => {
        accepting = false;
        if (!graceful) {
          handingBack = true;
          for (const w of workers) w.cancelAllJobs(SHUTDOWN);
        }
        await Promise.all(workers.map((w) => w.close()));
        clearInterval(heartbeat);
        await redis.del(keys.worker(id)).catch(() => {});
        if (ownsExecutor) await executor[Symbol.asyncDispose]?.();
        subscriber.disconnect();
        redis.disconnect();
      })();
      return closing;
    },
  };
}
