/**
 * The process-wide defaults every ccflow package shares: the executor the query functions and sessions use, the
 * configuration, the limiter, breaker and health checker, the price table and usage tracker, the session manager.
 *
 * They live in one registry on `globalThis` under `Symbol.for('ccflow.runtime.v1')`, as OpenTelemetry keeps its
 * globals, so two copies of `@ccflow/core` in one application (a common npm outcome) share them instead of each
 * keeping a silent half. Each default is named by a {@link RuntimeKey}, which also knows how to make it: a value is
 * made on the first `get` and kept until `reset` or `dispose`.
 */

/** Names one default and says how to make it. Two keys with the same `name` name the same default. */
export interface RuntimeKey<T> {
  readonly name: string;
  readonly make: () => T;
}

/** A key for a default named `name` (prefix it with its package: `@ccflow/pricing:priceTable`). */
export function runtimeKey<T>(name: string, make: () => T): RuntimeKey<T> {
  return Object.freeze({ name, make });
}

export interface Runtime {
  /** The default `key` names, made on first use and kept. */
  get<T>(key: RuntimeKey<T>): T;
  /** Makes `value` the default until `reset(key)`; the one it replaces is not disposed. */
  set<T>(key: RuntimeKey<T>, value: T): void;
  /** Forgets the default `key` names (every default when omitted): the next `get` makes a new one. */
  reset(key?: RuntimeKey<unknown>): void;
  /**
   * Disposes every default that owns resources (`Symbol.asyncDispose` or `Symbol.dispose`: a session manager's
   * store, a pool's processes), then forgets them all. Call it when the application shuts down.
   */
  dispose(): Promise<void>;
}

const GLOBAL = Symbol.for('ccflow.runtime.v1');

class Registry implements Runtime {
  readonly #values = new Map<string, unknown>();

  get<T>(key: RuntimeKey<T>): T {
    if (!this.#values.has(key.name)) this.#values.set(key.name, key.make());
    return this.#values.get(key.name) as T;
  }

  set<T>(key: RuntimeKey<T>, value: T): void {
    this.#values.set(key.name, value);
  }

  reset(key?: RuntimeKey<unknown>): void {
    if (key === undefined) this.#values.clear();
    else this.#values.delete(key.name);
  }

  async dispose(): Promise<void> {
    const values = [...this.#values.values()];
    this.#values.clear();
    const failures: unknown[] = [];
    for (const value of values) {
      try {
        await disposeOf(value);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, 'ccflow: some defaults failed to dispose');
  }
}

async function disposeOf(value: unknown): Promise<void> {
  if (typeof value !== 'object' || value === null) return;
  const { [Symbol.asyncDispose]: asyncDispose, [Symbol.dispose]: dispose } = value as Partial<
    AsyncDisposable & Disposable
  >;
  if (typeof asyncDispose === 'function') await asyncDispose.call(value);
  else if (typeof dispose === 'function') dispose.call(value);
}

const holder = globalThis as { [GLOBAL]?: Runtime };

/** The process's one registry of defaults (see {@link Runtime}). */
holder[GLOBAL] ??= new Registry();
export const runtime: Runtime = holder[GLOBAL];
