import { CCFlowError } from '@ccflow/core';
import {
  type Attributes,
  type Counter,
  context,
  type Histogram,
  type Meter,
  metrics,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
  type UpDownCounter,
} from '@opentelemetry/api';

const NAME = '@ccflow/pool';

/** The span, event and attribute names of a pool task. */
export const POOL_SPAN = {
  /** One span per task, from its submission to its end; the executor's spans are its children. */
  task: 'ccflow.pool.task',
  /** The event when the task leaves the queue and starts, with its wait. */
  started: 'ccflow.pool.task.started',
  /** `process` or `streaming`. */
  kind: 'ccflow.pool.kind',
  taskId: 'ccflow.pool.task.id',
  /** `done`, `failed` or `cancelled`. */
  status: 'ccflow.pool.task.status',
  /** Time in the queue, ms. */
  waitMs: 'ccflow.pool.task.wait_ms',
  errorType: 'error.type',
} as const;

/** The metric names (attribute `ccflow.pool.kind` on each; `ccflow.pool.task.status` on the durations). */
export const POOL_METRICS = {
  /** Up-down counter: tasks waiting for a worker. */
  queued: 'ccflow.pool.tasks.queued',
  /** Up-down counter: tasks running. */
  running: 'ccflow.pool.tasks.running',
  /** Counter: submissions refused because the queue was full. */
  rejected: 'ccflow.pool.tasks.rejected',
  /** Histogram, seconds: a task's run, from its start to its end. */
  duration: 'ccflow.pool.task.duration',
  /** Histogram, seconds: a task's time in the queue. */
  waitDuration: 'ccflow.pool.task.wait.duration',
} as const;

export type PoolKind = 'process' | 'streaming';

interface Instruments {
  source: unknown;
  queued: UpDownCounter;
  running: UpDownCounter;
  rejected: Counter;
  duration: Histogram;
  waitDuration: Histogram;
}

/**
 * A pool's spans and metrics, through `@opentelemetry/api` only: without an SDK they cost nothing. The instruments
 * are looked up again when the global meter provider changes, so one registered after the pool was made still
 * gets its recordings.
 */
export class PoolTelemetry {
  readonly #kind: PoolKind;
  readonly #tracer: Tracer;
  readonly #meter: Meter | undefined;
  #instruments: Instruments | undefined;

  constructor(kind: PoolKind, tracer?: Tracer, meter?: Meter) {
    this.#kind = kind;
    this.#tracer = tracer ?? trace.getTracer(NAME);
    this.#meter = meter;
  }

  /** Starts a task's span, a child of the submitter's active span. */
  submitted(taskId: string): Span {
    this.#get().queued.add(1, this.#attributes());
    return this.#tracer.startSpan(
      POOL_SPAN.task,
      { attributes: { [POOL_SPAN.kind]: this.#kind, [POOL_SPAN.taskId]: taskId } },
      context.active(),
    );
  }

  rejected(): void {
    this.#get().rejected.add(1, this.#attributes());
  }

  started(span: Span, waitMs: number): void {
    const i = this.#get();
    i.queued.add(-1, this.#attributes());
    i.running.add(1, this.#attributes());
    i.waitDuration.record(waitMs / 1000, this.#attributes());
    span.setAttribute(POOL_SPAN.waitMs, waitMs);
    span.addEvent(POOL_SPAN.started, { [POOL_SPAN.waitMs]: waitMs });
  }

  /** `runMs` undefined: the task never started (cancelled in the queue). */
  ended(span: Span, status: string, runMs: number | undefined, error: unknown): void {
    const i = this.#get();
    if (runMs === undefined) i.queued.add(-1, this.#attributes());
    else {
      i.running.add(-1, this.#attributes());
      i.duration.record(runMs / 1000, this.#attributes({ [POOL_SPAN.status]: status }));
    }
    span.setAttribute(POOL_SPAN.status, status);
    if (error !== undefined) {
      const code = CCFlowError.isInstance(error) ? (error as CCFlowError).code : 'Error';
      span.setAttribute(POOL_SPAN.errorType, code);
      if (status === 'failed') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      }
    }
    span.end();
  }

  #attributes(extra?: Attributes): Attributes {
    return { [POOL_SPAN.kind]: this.#kind, ...extra };
  }

  #get(): Instruments {
    const source = this.#meter ?? metrics.getMeterProvider();
    if (this.#instruments?.source !== source) {
      const meter = this.#meter ?? metrics.getMeter(NAME);
      this.#instruments = {
        source,
        queued: meter.createUpDownCounter(POOL_METRICS.queued, {
          description: 'Pool tasks waiting for a worker.',
          unit: '{task}',
        }),
        running: meter.createUpDownCounter(POOL_METRICS.running, {
          description: 'Pool tasks running.',
          unit: '{task}',
        }),
        rejected: meter.createCounter(POOL_METRICS.rejected, {
          description: 'Pool submissions refused because the queue was full.',
          unit: '{task}',
        }),
        duration: meter.createHistogram(POOL_METRICS.duration, {
          description: 'How long pool tasks ran.',
          unit: 's',
        }),
        waitDuration: meter.createHistogram(POOL_METRICS.waitDuration, {
          description: 'How long pool tasks waited in the queue.',
          unit: 's',
        }),
      };
    }
    return this.#instruments;
  }
}
