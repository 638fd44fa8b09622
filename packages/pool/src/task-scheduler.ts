import { randomUUID } from 'node:crypto';
import { type CliAgentOptions, ConfigurationError, type Prompt } from '@ccflow/core';
import { PoolClosedError, PoolQueueFullError } from './errors.ts';
import { type LatencyPercentiles, LatencyWindow } from './latency-window.ts';
import { type PoolOptions, type ResolvedPoolOptions, resolvePoolOptions } from './pool-options.ts';
import { CANCEL, RUN, type SubmitOptions, type TaskInit, type TaskRun } from './pool-task.ts';
import { type PoolKind, PoolTelemetry } from './pool-telemetry.ts';
import { SignalWatch } from './signal-watch.ts';

/** A pool's counts and latencies. */
export interface PoolStats {
  queued: number;
  running: number;
  /** Tasks ended since the pool was made, by outcome. */
  done: number;
  failed: number;
  cancelled: number;
  /** Submissions refused because the queue was full. */
  rejected: number;
  /** Run time of the latest (up to 1024) tasks that ran to `done` or `failed`, ms. */
  runMs: LatencyPercentiles;
  /** Queue wait of the latest (up to 1024) tasks that started, ms. */
  waitMs: LatencyPercentiles;
}

export interface ShutdownOptions {
  /** True (default): finish the queued and running tasks. False: cancel them. Either way it resolves once all ended. */
  wait?: boolean;
}

/**
 * What `ProcessPool` and `StreamingPool` are made of: at most `maxWorkers` tasks run at once, in submission order;
 * up to `queueSize` wait; one more is refused at once (`PoolQueueFullError`). It owns no process itself: each task
 * is one `execute` on the executor, so whatever that executor does (the CLI per query, a warm process, decorators)
 * is what a task does.
 */
export class TaskScheduler<T extends TaskRun> {
  readonly options: ResolvedPoolOptions;
  readonly #make: (init: TaskInit) => T;
  readonly #telemetry: PoolTelemetry;
  readonly #queue: T[] = [];
  readonly #running = new Set<T>();
  /** Every task not yet ended, and the latest `retainTasks` ended ones, by id. */
  readonly #tasks = new Map<string, T>();
  /** Ended ids still in `#tasks`, oldest first. */
  readonly #ended = new Set<string>();
  readonly #counts = { done: 0, failed: 0, cancelled: 0, rejected: 0 };
  readonly #runLatency = new LatencyWindow();
  readonly #waitLatency = new LatencyWindow();
  readonly #signals = new SignalWatch<T>((task, reason) =>
    task[CANCEL]('the task signal was aborted', reason),
  );
  #closed = false;

  constructor(kind: PoolKind, options: PoolOptions, make: (init: TaskInit) => T) {
    this.options = resolvePoolOptions(options);
    this.#make = make;
    this.#telemetry = new PoolTelemetry(kind, this.options.tracer, this.options.meter);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues every prompt, or none when the pool is closed or has no room for all (throws). */
  submit(prompts: readonly Prompt[], options: CliAgentOptions | undefined, submit: SubmitOptions): T[] {
    this.#checkRoom(prompts.length);
    return prompts.map((prompt) => this.#enqueue(prompt, options, submit));
  }

  getTask(id: string): T | undefined {
    return this.#tasks.get(id);
  }

  cancel(id: string): boolean {
    return this.#tasks.get(id)?.cancel() ?? false;
  }

  async gather(ids: readonly string[]): Promise<T[]> {
    const tasks = ids.map((id) => {
      const task = this.#tasks.get(id);
      if (task === undefined) {
        throw new ConfigurationError({
          field: 'taskIds',
          problem: `no task ${id} in this pool (unknown, or ended and forgotten: it keeps the latest ${this.options.retainTasks} ended)`,
        });
      }
      return task;
    });
    return Promise.all(tasks.map((task) => task.done));
  }

  getStats(): PoolStats {
    return {
      queued: this.#queue.length,
      running: this.#running.size,
      ...this.#counts,
      runMs: this.#runLatency.percentiles(),
      waitMs: this.#waitLatency.percentiles(),
    };
  }

  async shutdown({ wait = true }: ShutdownOptions = {}): Promise<void> {
    this.#closed = true;
    const pending = [...this.#queue, ...this.#running];
    if (!wait) {
      for (const task of [...this.#running, ...this.#queue]) task[CANCEL]('the pool shut down');
    }
    await Promise.all(pending.map((task) => task.done));
  }

  /** Refuses at once when the pool is closed or has no room for `count` more tasks. */
  #checkRoom(count: number): void {
    if (this.#closed) throw new PoolClosedError({ message: 'the pool was shut down: it takes no new tasks' });
    const free = this.options.maxWorkers - this.#running.size + this.options.queueSize - this.#queue.length;
    if (count > free) {
      this.#counts.rejected += count;
      for (let i = 0; i < count; i++) this.#telemetry.rejected();
      throw new PoolQueueFullError({
        message: `the pool's queue is full (${this.#queue.length} queued, ${this.#running.size} running; queueSize ${this.options.queueSize}, maxWorkers ${this.options.maxWorkers})${count > 1 ? `: no room for ${count} tasks` : ''}`,
        queueSize: this.options.queueSize,
      });
    }
  }

  /** Makes a task and queues it (after `#checkRoom`); it starts as soon as a worker is free. */
  #enqueue(prompt: Prompt, options: CliAgentOptions | undefined, submit: SubmitOptions): T {
    const { signal } = submit;
    const task = this.#make({
      id: randomUUID(),
      prompt,
      options,
      submit,
      timeoutMs: this.options.taskTimeoutMs,
      telemetry: this.#telemetry,
      dequeue: (t) => this.#dequeue(t as T),
      settled: (t) => {
        if (signal) this.#signals.delete(signal, t as T);
        this.#settled(t as T);
      },
    });
    this.#tasks.set(task.id, task);
    this.#queue.push(task);
    if (signal?.aborted) task[CANCEL]('the task signal was aborted', signal.reason);
    else {
      if (signal) this.#signals.add(signal, task);
      this.#pump();
    }
    return task;
  }

  #pump(): void {
    while (this.#running.size < this.options.maxWorkers && this.#queue.length > 0) {
      const task = this.#queue.shift() as T;
      this.#running.add(task);
      void task[RUN](this.options.executor);
      this.#waitLatency.add(task.waitMs as number);
    }
  }

  #dequeue(task: T): boolean {
    const i = this.#queue.indexOf(task);
    if (i < 0) return false;
    this.#queue.splice(i, 1);
    return true;
  }

  #settled(task: T): void {
    this.#running.delete(task);
    this.#counts[task.status as 'done' | 'failed' | 'cancelled']++;
    if (task.status !== 'cancelled') this.#runLatency.add(task.runMs as number);
    this.#ended.add(task.id);
    if (this.#ended.size > this.options.retainTasks) {
      const oldest = this.#ended.values().next().value as string;
      this.#ended.delete(oldest);
      this.#tasks.delete(oldest);
    }
    this.#pump();
  }
}
