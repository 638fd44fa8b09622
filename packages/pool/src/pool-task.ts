import {
  type CCFlowError,
  type CliAgentOptions,
  CliTimeoutError,
  collectQueryResult,
  EXECUTOR,
  type ExecuteRequest,
  type ExecutionHost,
  type Executor,
  type Prompt,
  type QueryResult,
  runtime,
} from '@ccflow/core';
import { iterateInContext } from '@ccflow/core/internal';
import type { Message } from '@ccflow/parser';
import { type Context, context, type Span, trace } from '@opentelemetry/api';
import { PoolTaskCancelledError } from './errors.ts';
import type { PoolTelemetry } from './pool-telemetry.ts';

export type TaskStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Per-submission settings beside the prompt's `CliAgentOptions`. */
export interface SubmitOptions {
  /** Cancels the task: in the queue it never starts; running, it is stopped (see `PoolTask.cancel`). */
  signal?: AbortSignal;
  /** Callbacks for the run (`onStderr`, `canUseTool`...); see `ExecutionHost`. */
  host?: ExecutionHost;
}

/** What a pool gives each task it makes; not part of the public API. */
export interface TaskInit {
  id: string;
  prompt: Prompt;
  options: CliAgentOptions | undefined;
  submit: SubmitOptions;
  timeoutMs: number;
  telemetry: PoolTelemetry;
  /** Takes the task out of the pool's queue; false when it was not there. */
  dequeue: (task: TaskRun) => boolean;
  /** Told synchronously when the task ends, before `done` settles, so the pool's counts are right by then. */
  settled: (task: TaskRun) => void;
}

/** Starts a queued task on `executor` (undefined: the process-wide one); resolves when it has ended. */
export const RUN = Symbol('ccflow.pool.run');
/** Cancels a task with a message saying why; as `cancel()`. */
export const CANCEL = Symbol('ccflow.pool.cancel');

/**
 * One prompt submitted to a pool: its state, timings and outcome. `done` resolves (never rejects) with the task
 * when it has ended: `done` (a successful result), `failed` (`error` says why: the executor's typed error, the
 * CLI's error result, or `CliTimeoutError` for the pool's `taskTimeoutMs`) or `cancelled` (`PoolTaskCancelledError`).
 */
export interface PoolTask {
  readonly id: string;
  readonly prompt: Prompt;
  readonly options: CliAgentOptions | undefined;
  readonly status: TaskStatus;
  /** The query's outcome, once a task that started has ended (a cancelled running task has its partial one). */
  readonly result: QueryResult | undefined;
  /** Why the task failed or was cancelled. */
  readonly error: CCFlowError | undefined;
  /** When it was submitted (epoch ms). */
  readonly queuedAt: number;
  /** When it started running (epoch ms). */
  readonly startedAt: number | undefined;
  /** When it ended (epoch ms). */
  readonly endedAt: number | undefined;
  /** Time in the queue, ms, once started. */
  readonly waitMs: number | undefined;
  /** Time running, ms, once ended after starting. */
  readonly runMs: number | undefined;
  /** Resolves with the task when it has ended. Never rejects. */
  readonly done: Promise<this>;
  /**
   * Cancels the task: a queued one ends at once and never starts; a running one is stopped through its signal
   * (the CLI executor ends the CLI's whole process tree) and ends when its execution has stopped. False when it had
   * already ended or was already being stopped.
   */
  cancel(): boolean;
}

/** A pool's task as the pool drives it (`RUN`, `CANCEL`); users see it as a `PoolTask`. */
export class TaskRun implements PoolTask {
  readonly id: string;
  readonly prompt: Prompt;
  readonly options: CliAgentOptions | undefined;
  readonly queuedAt: number = Date.now();
  readonly done: Promise<this>;
  readonly #init: TaskInit;
  readonly #controller = new AbortController();
  readonly #span: Span;
  /** The submitter's context: the task's span and the executor's run belong to it, not to whoever frees a worker. */
  readonly #context: Context;
  readonly #submittedMark = performance.now();
  readonly #resolve: () => void;
  #status: TaskStatus = 'queued';
  #result: QueryResult | undefined;
  #error: CCFlowError | undefined;
  #startedAt: number | undefined;
  #endedAt: number | undefined;
  #waitMs: number | undefined;
  #runMs: number | undefined;

  constructor(init: TaskInit) {
    this.#init = init;
    this.id = init.id;
    this.prompt = init.prompt;
    this.options = init.options;
    this.#context = context.active();
    this.#span = init.telemetry.submitted(init.id);
    let resolve!: () => void;
    this.done = new Promise<this>((r) => {
      resolve = () => r(this);
    });
    this.#resolve = resolve;
  }

  get status(): TaskStatus {
    return this.#status;
  }

  get result(): QueryResult | undefined {
    return this.#result;
  }

  get error(): CCFlowError | undefined {
    return this.#error;
  }

  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  get endedAt(): number | undefined {
    return this.#endedAt;
  }

  get waitMs(): number | undefined {
    return this.#waitMs;
  }

  get runMs(): number | undefined {
    return this.#runMs;
  }

  cancel(): boolean {
    return this[CANCEL]('cancelled');
  }

  [CANCEL](why: string, cause?: unknown): boolean {
    const error = new PoolTaskCancelledError({
      message: `pool task ${this.id}: ${why}`,
      taskId: this.id,
      cause,
    });
    if (this.#status === 'queued') {
      if (!this.#init.dequeue(this)) return false;
      this.#end('cancelled', undefined, error, error);
      return true;
    }
    if (this.#status !== 'running' || this.#controller.signal.aborted) return false;
    this.#controller.abort(error);
    return true;
  }

  async [RUN](executor: Executor | undefined): Promise<void> {
    this.#status = 'running';
    this.#startedAt = Date.now();
    const started = performance.now();
    this.#waitMs = started - this.#submittedMark;
    this.#init.telemetry.started(this.#span, this.#waitMs);
    const { timeoutMs } = this.#init;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(
          () =>
            this.#controller.abort(
              new CliTimeoutError({
                message: `pool task ${this.id}: no result within ${timeoutMs} ms (taskTimeoutMs)`,
                timeoutMs,
                kind: 'total',
              }),
            ),
          timeoutMs,
        )
      : undefined;
    let thrown: unknown;
    const request: ExecuteRequest = {
      prompt: this.prompt,
      options: this.options,
      signal: this.#controller.signal,
      host: this.#init.submit.host,
    };
    const result = await collectQueryResult(
      iterateInContext(trace.setSpan(this.#context, this.#span), () =>
        executing(executor, request, (e) => {
          thrown = e;
        }),
      ),
      (m) => this.observe(m),
    );
    clearTimeout(timer);
    this.#runMs = performance.now() - started;
    const status = result.error
      ? PoolTaskCancelledError.isInstance(result.error)
        ? 'cancelled'
        : 'failed'
      : 'done';
    this.#end(status, result, result.error, thrown);
  }

  /** Each message of the run, as it arrives. */
  protected observe(_message: Message): void {}

  /** After the task has ended, before `done` resolves; `thrown`: what the execution threw, if it threw. */
  protected ended(_thrown: unknown): void {}

  #end(
    status: TaskStatus,
    result: QueryResult | undefined,
    error: CCFlowError | undefined,
    thrown: unknown,
  ): void {
    this.#status = status;
    this.#result = result;
    this.#error = error;
    this.#endedAt = Date.now();
    this.#init.telemetry.ended(this.#span, status, this.#runMs, error);
    this.#init.settled(this);
    this.ended(thrown);
    this.#resolve();
  }
}

/** The executor's stream, made inside the generator so an executor that throws on `execute` fails the task. */
async function* executing(
  executor: Executor | undefined,
  request: ExecuteRequest,
  onThrow: (error: unknown) => void,
): AsyncGenerator<Message> {
  try {
    yield* (executor ?? runtime.get(EXECUTOR)).execute(request);
  } catch (error) {
    onThrow(error);
    throw error;
  }
}
