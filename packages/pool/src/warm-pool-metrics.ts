import {
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
  type ObservableCallback,
  type ObservableGauge,
} from '@opentelemetry/api';

/** The span names of a `WarmPool`: each `open` (attributes `ccflow.warm_pool.shared`, `.reused`, `.wait_ms`), each reset. */
export const WARM_POOL_SPAN = Object.freeze({
  acquire: 'ccflow.warm_pool.acquire',
  /** A root span: the reset runs after the query's own trace has ended. */
  reset: 'ccflow.warm_pool.reset',
});

/** The metric and attribute names a `WarmPool` writes. */
export const WARM_POOL_METRICS = Object.freeze({
  /** Live processes by `ccflow.warm_pool.state` (`idle`, `busy`, `starting`, `resetting`). */
  processes: 'ccflow.warm_pool.processes',
  spawns: 'ccflow.warm_pool.spawns',
  /** `/clear` resets that made a process ready for the next query. */
  resets: 'ccflow.warm_pool.resets',
  /** Processes ended by the pool, by `ccflow.warm_pool.reason`. */
  evictions: 'ccflow.warm_pool.evictions',
  /** Leases that waited for a process, and how long (a histogram in seconds, as OpenTelemetry's durations). */
  waits: 'ccflow.warm_pool.waits',
  waitDuration: 'ccflow.warm_pool.wait.duration',
  state: 'ccflow.warm_pool.state',
  reason: 'ccflow.warm_pool.reason',
});

/** Why the pool ended a process. */
export type WarmEvictionReason =
  | 'idle'
  | 'memory'
  | 'uses'
  | 'died'
  | 'unfit'
  | 'reset_failed'
  | 'background_tasks'
  | 'room'
  | 'drain'
  | 'fresh';

/** Where a pooled process is: lent (`busy`), ready (`idle`), being started, or being reset for its next query. */
export type WarmProcessState = 'idle' | 'busy' | 'starting' | 'resetting';

interface Instruments {
  source: MeterProvider;
  spawns: Counter;
  resets: Counter;
  evictions: Counter;
  waits: Counter;
  waitDuration: Histogram;
  gauge: ObservableGauge;
}

/**
 * A pool's instruments, on the global meter provider of the moment (a pool made before the application registers
 * its SDK still reports to it). `dispose` stops its gauge.
 */
export class WarmPoolMetrics {
  readonly #observe: ObservableCallback;
  #instruments: Instruments | undefined;

  constructor(counts: () => Record<WarmProcessState, number>) {
    this.#observe = (result) => {
      for (const [state, count] of Object.entries(counts())) {
        result.observe(count, { [WARM_POOL_METRICS.state]: state });
      }
    };
    this.#get();
  }

  spawned(): void {
    this.#get().spawns.add(1);
  }

  reset(): void {
    this.#get().resets.add(1);
  }

  evicted(reason: WarmEvictionReason): void {
    this.#get().evictions.add(1, { [WARM_POOL_METRICS.reason]: reason });
  }

  waited(ms: number): void {
    const { waits, waitDuration } = this.#get();
    waits.add(1);
    waitDuration.record(ms / 1000);
  }

  dispose(): void {
    this.#instruments?.gauge.removeCallback(this.#observe);
    this.#instruments = undefined;
  }

  #get(): Instruments {
    const source = metrics.getMeterProvider();
    if (this.#instruments?.source === source) return this.#instruments;
    this.#instruments?.gauge.removeCallback(this.#observe);
    const meter = metrics.getMeter('@ccflow/pool');
    const m = WARM_POOL_METRICS;
    const gauge = meter.createObservableGauge(m.processes, {
      description: 'Live CLI processes of the warm pool.',
    });
    gauge.addCallback(this.#observe);
    this.#instruments = {
      source,
      spawns: meter.createCounter(m.spawns, { description: 'CLI processes started by the warm pool.' }),
      resets: meter.createCounter(m.resets, { description: 'Processes reset with /clear for reuse.' }),
      evictions: meter.createCounter(m.evictions, { description: 'Processes the warm pool ended.' }),
      waits: meter.createCounter(m.waits, { description: 'Leases that waited for a free process.' }),
      waitDuration: meter.createHistogram(m.waitDuration, {
        description: 'How long a lease waited for a process.',
        unit: 's',
      }),
      gauge,
    };
    return this.#instruments;
  }
}
