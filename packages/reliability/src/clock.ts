/**
 * Where the reliability primitives read time and wait. Everything in this package takes a `Clock`, so tests run on a
 * fake one (`FakeClock` from `@ccflow/reliability/testing`) and hours of limits and backoff take milliseconds.
 * All durations are milliseconds.
 */
export interface Clock {
  /** A monotonic time in ms; only differences between two readings mean anything. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts (at once if it already has). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** `setTimeout` fires at once for anything longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Real time: `performance.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      // Rounded up: a timer may fire up to 1 ms early against `performance.now()`, and waking early only costs a
      // second sleep in the callers that loop.
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(Math.max(0, Math.ceil(ms)), MAX_TIMER_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
