/**
 * One `abort` listener per signal, however many tasks it cancels: a batch often shares one request's signal, and
 * Node warns of a leak past ten listeners on one signal.
 */
export class SignalWatch<T> {
  readonly #watched = new Map<AbortSignal, { tasks: Set<T>; listener: () => void }>();
  readonly #onAbort: (task: T, reason: unknown) => void;

  constructor(onAbort: (task: T, reason: unknown) => void) {
    this.#onAbort = onAbort;
  }

  add(signal: AbortSignal, task: T): void {
    let entry = this.#watched.get(signal);
    if (entry === undefined) {
      const tasks = new Set<T>();
      const listener = () => {
        this.#watched.delete(signal);
        for (const t of tasks) this.#onAbort(t, signal.reason);
      };
      entry = { tasks, listener };
      this.#watched.set(signal, entry);
      signal.addEventListener('abort', listener, { once: true });
    }
    entry.tasks.add(task);
  }

  delete(signal: AbortSignal, task: T): void {
    const entry = this.#watched.get(signal);
    if (entry === undefined || !entry.tasks.delete(task) || entry.tasks.size > 0) return;
    this.#watched.delete(signal);
    signal.removeEventListener('abort', entry.listener);
  }
}
