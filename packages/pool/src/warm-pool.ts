import {
  type CCFlowConfig,
  CLI_CAPABILITIES,
  ClaudeConnection,
  type ClaudeConnectionOptions,
  type CliAgentOptions,
  type CliConnectionProviderOptions,
  ConfigurationError,
  type ConnectionLease,
  type ConnectionProvider,
  type ExecuteRequest,
  type Executor,
  type ExecutorCapabilities,
  loadConfig,
  type OpenRequest,
  runTurn,
} from '@ccflow/core';
import { executeOnProvider, mergeOptions } from '@ccflow/core/internal';
import type { Message } from '@ccflow/parser';
import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { PoolClosedError, PoolWaitTimeoutError } from './errors.ts';
import { LeasedConnection, type WarmConnection } from './leased-connection.ts';
import { residentBytes } from './process-memory.ts';
import { spawnKey } from './spawn-key.ts';
import {
  WARM_POOL_SPAN,
  type WarmEvictionReason,
  WarmPoolMetrics,
  type WarmProcessState,
} from './warm-pool-metrics.ts';

/** A `WarmPool`'s sizing and health limits, over the settings a `CliExecutor` takes (`cliPath`, `env`, `defaultOptions`...). */
export interface WarmPoolOptions extends CliConnectionProviderOptions {
  /** Processes kept ready for `warmOptions`, started with the pool and replaced when they end. Default 1. */
  minProcesses?: number;
  /** Live processes at most, busy or not. Default 4. */
  maxProcesses?: number;
  /** The options (over `defaultOptions`) the `minProcesses` are started with: queries with these find them ready. */
  warmOptions?: CliAgentOptions;
  /**
   * How a process serves its next query: `'clear'` (default) resets it with the CLI's `/clear` after each lease (a new
   * CLI session, no earlier turns; see the README for what it does not reset); `'fresh'` ends it and starts a
   * replacement in the background, so every query gets a process no one used before.
   */
  reuse?: 'clear' | 'fresh';
  /** An idle process beyond `minProcesses` is ended after this long. Default 300 000 ms. */
  idleTtlMs?: number;
  /**
   * A process that has served and whose resident memory (VmRSS, the CLI alone) exceeds this is ended (checked on
   * release and while idle; an unused process is at its baseline, so it is kept). Default none.
   */
  maxRssBytes?: number;
  /** Leases a process serves before it is replaced. Default 100. */
  maxUses?: number;
  /** How long `open`/`execute` wait for a process when all are busy, before `PoolWaitTimeoutError`. Default 30 000 ms. */
  acquireTimeoutMs?: number;
  /** How long `close()` lets running turns finish before it stops them. Default 30 000 ms. */
  drainTimeoutMs?: number;
  /** Longest `/clear` reset; a process that takes longer is ended. Default 10 000 ms. */
  resetTimeoutMs?: number;
  /** Starts a process (default `ClaudeConnection.open`): a seam for tests and for wrapping connections. */
  spawn?: (
    request: ClaudeConnectionOptions,
  ) => Promise<WarmConnection & { initializationResult?(): Promise<unknown> }>;
}

/** A lease on a pooled process: its connection also gives the process id. */
export interface WarmLease extends ConnectionLease {
  readonly connection: WarmConnection;
}

interface Slot {
  /** `undefined`: the request's own process, ended after its lease (see `spawnKey`). */
  readonly key: string | undefined;
  /** What it was started with, to start a replacement. */
  readonly options: CliAgentOptions;
  connection: WarmConnection | undefined;
  state: 'starting' | 'idle' | 'leased' | 'resetting';
  uses: number;
  idleSince: number;
  lease: LeasedConnection | undefined;
}

interface Waiter {
  wake(): void;
  fail(error: unknown): void;
}

const TRACER = '@ccflow/pool';
/** How long after a failed start of a `minProcesses` process the pool tries again. */
const RETRY_WARM_MS = 1000;

/**
 * Live Claude Code CLI processes, kept ready and reused across independent queries: a `ConnectionProvider` (a
 * `Session` in live mode holds one lease across its turns) and an `Executor` (one query: a lease, one turn, release).
 *
 * Processes are keyed by the options fixed when the CLI starts (see `spawnKey`); a request takes an idle process of
 * its key, else starts one (up to `maxProcesses`, ending an idle process of another key to make room), else waits
 * up to `acquireTimeoutMs`. After a lease, the process is reset with `/clear` off the caller's path (or, with
 * `reuse: 'fresh'`, replaced), unless it is unfit: released as not reusable, died, changed by control request, a
 * turn left unread, over `maxUses` or `maxRssBytes`. Requests that name a CLI session or bring host callbacks get a
 * process of their own, ended after the lease. `close()` (or `await using`) drains: no new leases, running turns get
 * `drainTimeoutMs`, then every process ends.
 */
export class WarmPool implements ConnectionProvider, Executor {
  readonly specificationVersion = 'v1';
  readonly capabilities: ExecutorCapabilities = CLI_CAPABILITIES;
  readonly #settings: CliConnectionProviderOptions;
  readonly #config: CCFlowConfig | undefined;
  readonly #spawn: NonNullable<WarmPoolOptions['spawn']>;
  readonly #min: number;
  readonly #max: number;
  readonly #warmOptions: CliAgentOptions;
  readonly #warmKey: string;
  readonly #fresh: boolean;
  readonly #idleTtlMs: number;
  readonly #maxRss: number | undefined;
  readonly #maxUses: number;
  readonly #acquireTimeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #resetTimeoutMs: number;
  readonly #slots = new Set<Slot>();
  readonly #waiters = new Set<Waiter>();
  /** Waiters counting on a process of their key that is starting or resetting, by key. */
  readonly #expecting = new Map<string, number>();
  /** Closes and background starts and resets in flight: `close()` awaits them. */
  readonly #tasks = new Set<Promise<unknown>>();
  readonly #metrics: WarmPoolMetrics;
  readonly #sweeper: NodeJS.Timeout;
  #retryWarm: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WarmPoolOptions = {}) {
    const {
      minProcesses = 1,
      maxProcesses = 4,
      warmOptions = {},
      reuse = 'clear',
      idleTtlMs = 300_000,
      maxRssBytes,
      maxUses = 100,
      acquireTimeoutMs = 30_000,
      drainTimeoutMs = 30_000,
      resetTimeoutMs = 10_000,
      spawn = (request) => ClaudeConnection.open(request),
      ...settings
    } = options;
    checkCount('maxProcesses', maxProcesses, 1);
    checkCount('minProcesses', minProcesses, 0);
    if (minProcesses > maxProcesses) {
      throw new ConfigurationError({
        field: 'minProcesses',
        problem: `must not exceed maxProcesses (${maxProcesses})`,
      });
    }
    checkCount('maxUses', maxUses, 1);
    for (const [name, ms] of Object.entries({
      idleTtlMs,
      acquireTimeoutMs,
      drainTimeoutMs,
      resetTimeoutMs,
    })) {
      if (!(ms >= 0))
        throw new ConfigurationError({ field: name, problem: `must be milliseconds (>= 0), got ${ms}` });
    }
    if (reuse !== 'clear' && reuse !== 'fresh') {
      throw new ConfigurationError({
        field: 'reuse',
        problem: `must be 'clear' or 'fresh', got ${String(reuse)}`,
      });
    }
    if (maxRssBytes !== undefined && !(maxRssBytes > 0)) {
      throw new ConfigurationError({ field: 'maxRssBytes', problem: `must be a positive number of bytes` });
    }
    this.#settings = settings;
    this.#config = settings.env === undefined ? undefined : loadConfig(settings.env);
    this.#spawn = spawn;
    this.#min = minProcesses;
    this.#max = maxProcesses;
    this.#warmOptions = warmOptions;
    const warmKey = spawnKey(mergeOptions(settings.defaultOptions, warmOptions));
    if (warmKey === undefined) {
      throw new ConfigurationError({
        field: 'warmOptions',
        problem:
          'must not name a CLI session (sessionId, resume, forkSession, continueSession): nothing could share it',
      });
    }
    this.#warmKey = warmKey;
    this.#fresh = reuse === 'fresh';
    this.#idleTtlMs = idleTtlMs;
    this.#maxRss = maxRssBytes;
    this.#maxUses = maxUses;
    this.#acquireTimeoutMs = acquireTimeoutMs;
    this.#drainTimeoutMs = drainTimeoutMs;
    this.#resetTimeoutMs = resetTimeoutMs;
    this.#metrics = new WarmPoolMetrics(() => this.#counts());
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, Math.min(1000, idleTtlMs / 2)));
    this.#sweeper.unref();
    this.#replenish();
  }

  /** How many processes are in each state now. */
  get stats(): Readonly<Record<WarmProcessState, number>> {
    return this.#counts();
  }

  /** The process ids of the live processes (for health checks and tests). */
  get pids(): number[] {
    return [...this.#slots].flatMap((slot) => (slot.connection ? [slot.connection.pid] : []));
  }

  /** Resolves once the `minProcesses` are started and initialized (or their start failed; a later one retries). */
  async ready(): Promise<void> {
    while (
      !this.#closing &&
      [...this.#slots].some((s) => s.state === 'starting' && s.key === this.#warmKey)
    ) {
      await this.#nextChange(Number.POSITIVE_INFINITY);
    }
  }

  /**
   * A lease on a live process for `request.options` (see the class). Throws `ConfigurationError` for bad options,
   * `PoolClosedError` once closing, `PoolWaitTimeoutError` when no process is free in time, the signal's reason when
   * aborted, and whatever starting a CLI throws (`CliNotFoundError`...).
   */
  open(request: OpenRequest): Promise<WarmLease> {
    return trace.getTracer(TRACER).startActiveSpan(WARM_POOL_SPAN.acquire, async (span) => {
      try {
        const lease = await this.#acquire(request, span);
        return lease;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** One query: a lease, one turn, then release (`executeOnProvider`, as `CliExecutor` runs on a spawning provider). */
  execute(request: ExecuteRequest): AsyncIterable<Message> {
    return executeOnProvider(this, request, {
      defaultOptions: this.#settings.defaultOptions,
      config: this.#config,
    });
  }

  /**
   * Stops lending: waiting requests fail with `PoolClosedError`, idle processes end, running turns get
   * `drainTimeoutMs` to finish (a lease with no turn running is ended at once), then every process ends. Idempotent.
   */
  close(): Promise<void> {
    // Set before the drain runs: the processes it ends must see the pool closing, or they would be replaced.
    this.#closing ??= Promise.resolve().then(() => this.#drain());
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #acquire(request: OpenRequest, span: Span): Promise<WarmLease> {
    const { signal } = request;
    const merged = mergeOptions(this.#settings.defaultOptions, request.options);
    const key = spawnKey(merged, request.host);
    const started = performance.now();
    const deadline = started + this.#acquireTimeoutMs;
    let waited = false;
    span.setAttribute('ccflow.warm_pool.shared', key !== undefined);
    try {
      for (;;) {
        if (this.#closing) throw closedError();
        signal?.throwIfAborted();
        const idle = key === undefined ? undefined : this.#takeIdle(key);
        if (idle) {
          span.setAttribute('ccflow.warm_pool.reused', true);
          return this.#lend(idle);
        }
        // A process of this key about to be ready beats starting one (~40 ms against ~700 ms).
        if (key !== undefined && this.#pendingFor(key) > (this.#expecting.get(key) ?? 0)) {
          waited = true;
          this.#expecting.set(key, (this.#expecting.get(key) ?? 0) + 1);
          try {
            await this.#nextChange(deadline, signal);
          } finally {
            this.#expecting.set(key, (this.#expecting.get(key) ?? 1) - 1);
          }
          continue;
        }
        if (this.#slots.size >= this.#max) this.#makeRoom(); // without a warm replacement taking the room
        if (this.#slots.size < this.#max) {
          span.setAttribute('ccflow.warm_pool.reused', false);
          return this.#lend(await this.#start(key, request));
        }
        waited = true;
        await this.#nextChange(deadline, signal);
      }
    } finally {
      if (waited) this.#metrics.waited(performance.now() - started);
      span.setAttribute('ccflow.warm_pool.wait_ms', Math.round(performance.now() - started));
    }
  }

  /** An idle, live process of `key`, the most recently used (so the others age out); dead ones are removed. */
  #takeIdle(key: string): Slot | undefined {
    let found: Slot | undefined;
    for (const slot of this.#slots) {
      if (slot.state !== 'idle' || slot.key !== key) continue;
      if (!slot.connection?.isOpen) {
        this.#end(slot, 'died');
        continue;
      }
      if (!found || slot.idleSince > found.idleSince) found = slot;
    }
    return found;
  }

  #pendingFor(key: string): number {
    let pending = 0;
    for (const slot of this.#slots) {
      if (slot.key === key && (slot.state === 'resetting' || slot.state === 'starting')) pending++;
    }
    return pending;
  }

  /** Ends the longest-idle process (of another key: one of the request's own would have been taken). */
  #makeRoom(): void {
    let oldest: Slot | undefined;
    for (const slot of this.#slots) {
      if (slot.state === 'idle' && (!oldest || slot.idleSince < oldest.idleSince)) oldest = slot;
    }
    if (oldest) this.#end(oldest, 'room', false);
  }

  /** Starts a process for a request that takes it at once. */
  async #start(key: string | undefined, request: OpenRequest): Promise<Slot> {
    const slot = this.#newSlot(key, request.options ?? {}, 'leased');
    try {
      slot.connection = await this.#spawn({ ...this.#settings, config: this.#config, ...request });
      this.#metrics.spawned();
    } catch (error) {
      this.#slots.delete(slot);
      this.#changed();
      throw error;
    }
    if (this.#closing) {
      this.#end(slot, 'drain');
      throw closedError();
    }
    return slot;
  }

  #newSlot(key: string | undefined, options: CliAgentOptions, state: Slot['state']): Slot {
    const slot: Slot = {
      key,
      options,
      connection: undefined,
      state,
      uses: 0,
      idleSince: performance.now(),
      lease: undefined,
    };
    this.#slots.add(slot);
    return slot;
  }

  #lend(slot: Slot): WarmLease {
    slot.state = 'leased';
    slot.uses++;
    const connection = new LeasedConnection(slot.connection!, () => this.#changed());
    slot.lease = connection;
    let released: Promise<void> | undefined;
    const release = (outcome: { reusable?: boolean } = {}) => {
      released ??= this.#release(slot, connection, outcome.reusable !== false);
      return released;
    };
    return { connection, release, [Symbol.asyncDispose]: () => release({ reusable: false }) };
  }

  async #release(slot: Slot, lease: LeasedConnection, reusable: boolean): Promise<void> {
    const used = lease.used;
    const pristine = lease.pristine;
    lease.detach();
    slot.lease = undefined;
    if (!this.#slots.has(slot)) return; // ended meanwhile (drained)
    const connection = slot.connection!;
    const reason = ((): WarmEvictionReason | undefined => {
      if (slot.key === undefined) return undefined;
      if (this.#closing) return 'drain';
      if (!connection.isOpen) return 'died';
      if (!reusable || !pristine) return 'unfit';
      if (slot.uses >= this.#maxUses) return 'uses';
      if (this.#overMemory(slot)) return 'memory';
      if (this.#fresh && used) return 'fresh';
      return undefined;
    })();
    if (slot.key === undefined || reason !== undefined) {
      await this.#end(slot, reason);
      return;
    }
    if (!used) {
      this.#idle(slot); // nothing was said on it: nothing to reset
      return;
    }
    slot.state = 'resetting';
    this.#track(this.#reset(slot, connection));
  }

  /** `/clear`: the next turn starts a new CLI session with none of the earlier turns. */
  async #reset(slot: Slot, connection: WarmConnection): Promise<void> {
    const before = connection.sessionId;
    const span = trace.getTracer(TRACER).startSpan(WARM_POOL_SPAN.reset, { root: true });
    let reason: WarmEvictionReason = 'reset_failed';
    try {
      let result: Message | undefined;
      let background = 0;
      for await (const m of runTurn(connection, { prompt: '/clear', timeoutMs: this.#resetTimeoutMs })) {
        if (m.type === 'result') result = m;
        if (m.type === 'system' && m.subtype === 'background_tasks_changed') background = m.tasks.length;
      }
      if (result?.type !== 'result' || result.isError || connection.sessionId === before) {
        throw new Error('/clear did not start a new CLI session');
      }
      if (background > 0) {
        // `/clear` leaves them running: only ending the process (and sweeping its tree) stops them.
        reason = 'background_tasks';
        throw new Error(`${background} background task(s) still running after /clear`);
      }
      this.#metrics.reset();
      if (this.#closing) await this.#end(slot, 'drain');
      else this.#idle(slot);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      await this.#end(slot, reason);
    } finally {
      span.end();
    }
  }

  #idle(slot: Slot): void {
    slot.state = 'idle';
    slot.idleSince = performance.now();
    this.#changed();
  }

  /** Over `maxRssBytes` after serving: a process never used is at its baseline, and a new one would be no smaller. */
  #overMemory(slot: Slot): boolean {
    if (this.#maxRss === undefined || slot.uses === 0 || !slot.connection) return false;
    const rss = residentBytes(slot.connection.pid);
    return rss !== undefined && rss > this.#maxRss;
  }

  /** Removes `slot` at once (it no longer counts) and ends its process; a replacement starts if one is due. */
  #end(slot: Slot, reason: WarmEvictionReason | undefined, replace = true): Promise<void> {
    this.#slots.delete(slot);
    if (reason) this.#metrics.evicted(reason);
    const connection = slot.connection;
    const closing = connection ? this.#track(connection.close()) : Promise.resolve();
    if (replace && reason === 'fresh' && !this.#closing) this.#startWarm(slot.key!, slot.options);
    if (replace) this.#replenish();
    this.#changed();
    return closing;
  }

  /** Starts `minProcesses` for the warm options, as far as room allows. */
  #replenish(): void {
    if (this.#closing || this.#retryWarm) return;
    let warm = 0;
    for (const slot of this.#slots) if (slot.key === this.#warmKey) warm++;
    for (; warm < this.#min && this.#slots.size < this.#max; warm++) {
      this.#startWarm(this.#warmKey, this.#warmOptions);
    }
  }

  /** Starts a process nobody waits for yet, and waits for the CLI's answer to `initialize` before lending it. */
  #startWarm(key: string, options: CliAgentOptions): void {
    if (this.#slots.size >= this.#max) return;
    const slot = this.#newSlot(key, options, 'starting');
    const start = async () => {
      try {
        const connection = await this.#spawn({ ...this.#settings, config: this.#config, options });
        slot.connection = connection;
        this.#metrics.spawned();
        await connection.initializationResult?.();
        if (!this.#slots.has(slot)) return;
        if (this.#closing) await this.#end(slot, 'drain');
        else this.#idle(slot);
      } catch {
        // Not fatal for the pool: queries start their own processes; the warm one is tried again later.
        if (!this.#slots.has(slot)) return;
        await this.#end(slot, undefined, false);
        if (this.#closing) return;
        this.#retryWarm ??= setTimeout(() => {
          this.#retryWarm = undefined;
          this.#replenish();
        }, RETRY_WARM_MS).unref();
      }
    };
    this.#track(start());
  }

  /** Ends idle processes that died, waited longer than `idleTtlMs` (beyond `minProcesses`), or grew past `maxRssBytes`. */
  #sweep(): void {
    const now = performance.now();
    for (const slot of [...this.#slots]) {
      if (slot.state !== 'idle' || !slot.connection) continue;
      if (!slot.connection.isOpen) this.#end(slot, 'died');
      else if (this.#overMemory(slot)) this.#end(slot, 'memory');
      else if (now - slot.idleSince >= this.#idleTtlMs && !this.#keptWarm(slot)) this.#end(slot, 'idle');
    }
  }

  /** One of the `minProcesses` the pool keeps however long they idle. */
  #keptWarm(slot: Slot): boolean {
    if (slot.key !== this.#warmKey) return false;
    let warm = 0;
    for (const s of this.#slots) if (s.key === this.#warmKey) warm++;
    return warm <= this.#min;
  }

  async #drain(): Promise<void> {
    clearInterval(this.#sweeper);
    clearTimeout(this.#retryWarm);
    for (const waiter of [...this.#waiters]) waiter.fail(closedError());
    const deadline = performance.now() + this.#drainTimeoutMs;
    for (;;) {
      for (const slot of [...this.#slots]) {
        // Idle, or leased with no turn running (a session between turns): nothing to wait for.
        if (slot.state === 'idle' || (slot.state === 'leased' && slot.lease && !slot.lease.turnRunning)) {
          this.#end(slot, 'drain');
        }
      }
      const running = [...this.#slots].filter((s) => s.state === 'leased' || s.state === 'resetting');
      if (running.length === 0 || performance.now() >= deadline) break;
      await this.#nextChange(deadline).catch(() => {});
    }
    for (const slot of [...this.#slots]) if (slot.connection) this.#end(slot, 'drain');
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
    this.#metrics.dispose();
  }

  /** Resolves at the pool's next change; rejects at `deadline` (`PoolWaitTimeoutError`), abort, or close. */
  #nextChange(deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const remaining = deadline - performance.now();
      const timer =
        remaining === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(
              () => {
                done();
                reject(
                  new PoolWaitTimeoutError({
                    message: `no claude process became free within ${this.#acquireTimeoutMs} ms (maxProcesses ${this.#max})`,
                    timeoutMs: this.#acquireTimeoutMs,
                  }),
                );
              },
              Math.max(0, remaining),
            );
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        wake: () => {
          done();
          resolve();
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter.wake();
  }

  #track<T>(task: Promise<T>): Promise<T> {
    const tracked = task.finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
    tracked.catch(() => {});
    return tracked;
  }

  #counts(): Record<WarmProcessState, number> {
    const counts = { idle: 0, busy: 0, starting: 0, resetting: 0 };
    for (const slot of this.#slots) {
      if (slot.state === 'leased') {
        if (slot.connection) counts.busy++;
        else counts.starting++;
      } else counts[slot.state]++;
    }
    return counts;
  }
}

function closedError(): PoolClosedError {
  return new PoolClosedError({ message: 'the warm pool is closed: it lends no more processes' });
}

function checkCount(field: string, value: number, least: number): void {
  if (!Number.isInteger(value) || value < least) {
    throw new ConfigurationError({ field, problem: `must be an integer of at least ${least}, got ${value}` });
  }
}
