import type { Clock } from '../clock.ts';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  cancelled: boolean;
}

/**
 * A `Clock` that moves only when told to, for testing code built on this package (limiters, breaker, retries) in
 * simulated time. `advance(ms)` fires due sleepers in time order and lets each one's continuations run before the
 * next fires, so code that sleeps, wakes and sleeps again behaves as it would in real time.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  /** A binary min-heap on (at, seq): thousands of sleepers stay cheap. */
  readonly #heap: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        cancelled: false,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        timer.cancelled = true;
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#push(timer);
    });
  }

  /** Sleepers not yet woken (cancelled ones excluded). */
  get pending(): number {
    return this.#heap.filter((t) => !t.cancelled).length;
  }

  /** When the next sleeper wakes, or `undefined` when none sleeps. */
  get nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `time` (never back), waking every sleeper due on the way, in order. */
  async advanceTo(time: number): Promise<void> {
    await settle();
    for (;;) {
      this.#dropCancelled();
      const next = this.#heap[0];
      if (next === undefined || next.at > time) break;
      this.#pop();
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      await settle();
    }
    this.#now = Math.max(this.#now, time);
  }

  /**
   * Wakes sleepers in order, moving time to each, until none is left. Throws after `maxTimers` wakes: a loop that
   * keeps sleeping would otherwise never end.
   */
  async runAll(maxTimers = 1_000_000): Promise<void> {
    await settle();
    for (let n = 0; ; n++) {
      const at = this.nextAt;
      if (at === undefined) return;
      if (n >= maxTimers) throw new Error(`FakeClock.runAll: still sleeping after ${maxTimers} timers`);
      await this.advanceTo(at);
    }
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled) this.#pop();
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Timer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every pending promise continuation run: `setImmediate` comes after the whole microtask queue. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
