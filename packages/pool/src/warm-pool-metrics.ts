import { type Counter, type Histogram, metrics, type ObservableGauge } from '@opentelemetry/api';

/** The metric and attribute names a `WarmPool` writes. */
export const WARM_POOL_METRICS = Object.freeze({
  /** Live processes by `ccflow.pool.state` (`idle`, `busy`, `starting`, `resetting`). */
  processes: 'ccflow.pool.processes',
  spawns: 'ccflow.pool.spawns',
  /** `/clear` resets that made a process ready for the next query. */
  resets: 'ccflow.pool.resets',
  /** Processes ended by the pool, by `ccflow.pool.reason`. */
  evictions: 'ccflow.pool.evictions',
  /** Leases that waited for a process, and how long (ms). */
  waits: 'ccflow.pool.waits',
  waitDuration: 'ccflow.pool.wait.duration',
  state: 'ccflow.pool.state',
  reason: 'ccflow.pool.reason',
});

/** Why the pool ended a process. */
export type EvictionReason =
  | 'idle'
  | 'memory'
  | 'uses'
  | 'died'
  | 'unfit'
  | 'reset_failed'
  | 'room'
  | 'drain'
  | 'fresh';

export type ProcessState = 'idle' | 'busy' | 'starting' | 'resetting';

/** A pool's instruments, on the global meter provider; `dispose` stops its gauge. */
export class WarmPoolMetrics {
  readonly #spawns: Counter;
  readonly #resets: Counter;
  readonly #evictions: Counter;
  readonly #waits: Counter;
  readonly #waitDuration: Histogram;
  readonly #gauge: ObservableGauge;
  readonly #observe: Parameters<ObservableGauge['addCallback']>[0];

  constructor(counts: () => Record<ProcessState, number>) {
    const meter = metrics.getMeter('@ccflow/pool');
    const m = WARM_POOL_METRICS;
    this.#spawns = meter.createCounter(m.spawns, { description: 'CLI processes started by the warm pool.' });
    this.#resets = meter.createCounter(m.resets, { description: 'Processes reset with /clear for reuse.' });
    this.#evictions = meter.createCounter(m.evictions, { description: 'Processes the warm pool ended.' });
    this.#waits = meter.createCounter(m.waits, { description: 'Leases that waited for a free process.' });
    this.#waitDuration = meter.createHistogram(m.waitDuration, {
      description: 'How long a lease waited for a process.',
      unit: 'ms',
    });
    this.#gauge = meter.createObservableGauge(m.processes, {
      description: 'Live CLI processes of the warm pool.',
    });
    this.#observe = (result) => {
      for (const [state, count] of Object.entries(counts())) result.observe(count, { [m.state]: state });
    };
    this.#gauge.addCallback(this.#observe);
  }

  spawned(): void {
    this.#spawns.add(1);
  }

  reset(): void {
    this.#resets.add(1);
  }

  evicted(reason: EvictionReason): void {
    this.#evictions.add(1, { [WARM_POOL_METRICS.reason]: reason });
  }

  waited(ms: number): void {
    this.#waits.add(1);
    this.#waitDuration.record(ms);
  }

  dispose(): void {
    this.#gauge.removeCallback(this.#observe);
  }
}
