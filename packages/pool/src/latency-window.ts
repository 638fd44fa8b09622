/** Percentiles of the latest samples, in ms (0 when there are none). */
export interface LatencyPercentiles {
  /** Samples the percentiles are taken from (at most the window's size). */
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * The latest `size` latencies, in a ring: a long-running pool keeps a bounded window, so its percentiles describe
 * recent work and cost no more memory after a million tasks than after a thousand.
 */
export class LatencyWindow {
  readonly #samples: number[] = [];
  readonly #size: number;
  #next = 0;

  constructor(size = 1024) {
    this.#size = size;
  }

  add(ms: number): void {
    if (this.#samples.length < this.#size) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** Nearest-rank percentiles. */
  percentiles(): LatencyPercentiles {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.ceil((p / 100) * sorted.length) - 1]!);
    return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99) };
  }
}
