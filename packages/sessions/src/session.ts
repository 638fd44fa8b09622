import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  AbortedError,
  type CliAgentOptions,
  CONFIG,
  ConfigurationError,
  type ConnectionProvider,
  EXECUTOR,
  type ExecutionHost,
  type Executor,
  errorFromResult,
  type Prompt,
  Redactor,
  type ResolvedOptions,
  resolveOptions,
  runtime,
  SESSION_CONTROL_OPTIONS,
} from '@ccflow/core';
import {
  contextAttributes,
  iterateInContext,
  preparePrompt,
  withoutRemovedOptions,
} from '@ccflow/core/internal';
import type { Message, ResultMessage } from '@ccflow/parser';
import {
  type Context,
  isSpanContextValid,
  type Link,
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { SessionBusyError, SessionClosedError } from './errors.ts';
import { LiveTurns } from './live-turns.ts';
import { rebaseState } from './rebase-state.ts';
import type { SessionState, SessionStore } from './session-store.ts';
import { storableOptions } from './storable-options.ts';
import { StoreConflictError } from './store-errors.ts';
import { ToonSavings } from './toon-savings.ts';
import type { TurnObserver, TurnWatch } from './turn-observer.ts';

const tracer = trace.getTracer('@ccflow/sessions');

/** How many times a save refused as stale is rebased on the stored state and tried again before it throws. */
const SAVE_ATTEMPTS = 10;

/**
 * The pause before another attempt: random up to 2^(attempt+1) ms, at most 250 ms ("full jitter"). Without it,
 * writers that collided retry in lockstep and collide again: 8 of them on one session used up every attempt.
 */
const saveBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 2 ** (attempt + 1))));

export interface SessionOptions {
  /** A UUID; default: a new one, chosen before the first turn so a crash mid-turn leaves a findable session. */
  sessionId?: string;
  options?: CliAgentOptions;
  /**
   * Default: the process-wide executor (`runtime.get(EXECUTOR)`, read when the session is made). It must be able to
   * resume CLI sessions (`capabilities.resume`), or the session refuses it with `ConfigurationError`.
   */
  executor?: Executor;
  /**
   * Live mode: the session holds one connection from this provider across its turns (one CLI process, no respawn);
   * `executor` is then not used. Without one, each turn runs through the executor and resumes the CLI session by id.
   */
  provider?: ConnectionProvider;
  /** Callbacks for every turn (`onStderr`); never stored. */
  host?: ExecutionHost;
  /** Where the session's state is kept; without one it lives in memory only. */
  store?: SessionStore;
  /** A name for people; change it later with `setTitle`. */
  title?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  /** The project the session belongs to (set by `@ccflow/tracing`). */
  projectId?: string;
  /** See every turn (tracing's `TraceRecorder`, your own); forks keep them. */
  observers?: readonly TurnObserver[];
}

export interface SendOptions {
  /** Data for this turn, attached to the prompt as a TOON (or JSON) block; default `options.context`. */
  context?: Record<string, unknown>;
  signal?: AbortSignal;
  /** About this turn, for its observers (tracing stores it on the turn's trace). */
  metadata?: Record<string, unknown>;
}

/** What a session cost, returned by `close()`. */
export interface SessionStats {
  sessionId: string;
  turnCount: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  totalCacheReadTokens: number;
  totalCacheWriteTokens: number;
  totalThinkingTokens: number;
  totalCostUsd: number;
  durationMs: number;
}

/** How the next turn reaches the CLI session: start it under our id, branch from another, or resume it. */
type CliStart = { kind: 'new' } | { kind: 'fork'; from: string; at?: string } | { kind: 'resume' };

/** A session's stored state and how it reaches the CLI: what a restored, forked or branched session starts from. */
interface Restore {
  state?: SessionState;
  /** Default: resume when the CLI has started the session (`turnCount > 0`), else start it. */
  start?: CliStart;
}

/**
 * The key under which the static factories hand the constructor a `Restore`: not exported, so the public constructor
 * takes one options object and only this module can restore.
 */
const RESTORE = Symbol('ccflow.session.restore');
type RestoringOptions = SessionOptions & { [RESTORE]?: Restore };

/**
 * A multi-turn conversation with Claude Code. The first turn starts the CLI session under an id ccflow chose;
 * later turns resume it; `fork()` branches it. Turns run one at a time: a second `sendMessage` while one is
 * running throws `SessionBusyError`. A failed or aborted turn leaves the session usable.
 *
 * `turnCount` counts the turns the CLI started (it printed its `init`), failed ones included: from the first, the
 * CLI has the session on disk, so the next turn resumes it.
 */
export class Session implements AsyncDisposable {
  #options: CliAgentOptions;
  /** The context encoding, resolved with the options. */
  #toon: ResolvedOptions['toon'];
  readonly #executor: Executor;
  /** Live mode's connection (see `SessionOptions.provider`). */
  readonly #live: LiveTurns | undefined;
  /** Aborts the turn in progress for `interrupt()` (resume mode). */
  #interrupt: AbortController | undefined;
  /** `interrupt()` was called during the turn in progress. */
  #interrupted = false;
  readonly #host: ExecutionHost | undefined;
  readonly #observers: readonly TurnObserver[];
  readonly #store: SessionStore | undefined;
  /** Hides secrets in the state before it is stored or put on a span. */
  readonly #redactor: Redactor;
  readonly #state: SessionState;
  readonly #savings = new ToonSavings();
  #start: CliStart;
  #busy = false;
  #persisted = false;
  /** The state as this object last saved or loaded it: what its changes are counted from when a save conflicts. */
  #saved: SessionState | undefined;
  /** Saves run one at a time, in order. */
  #saving: Promise<unknown> = Promise.resolve();
  /** The session's trace: every turn and lifecycle step is a span in it (see `traceContext`). */
  readonly #traceContext: Context;

  constructor(init: SessionOptions = {}) {
    const restore = (init as RestoringOptions)[RESTORE];
    // Stored options may carry names an earlier version accepted.
    const options = withoutOwned(init.options ?? withoutRemovedOptions(restore?.state?.options ?? {}));
    this.#toon = resolveOptions(options).toon;
    this.#options = options;
    this.#executor = init.executor ?? runtime.get(EXECUTOR);
    if (!init.provider && !this.#executor.capabilities.resume) {
      // Every turn after the first resumes the CLI session by id: an executor that cannot would fail at turn two.
      throw new ConfigurationError({
        field: 'executor',
        problem:
          'cannot resume CLI sessions (capabilities.resume is false, e.g. the Messages API path), and a Session resumes one every turn: give it the CLI, or run single turns with query()',
      });
    }
    this.#host = init.host;
    this.#live = init.provider && new LiveTurns(init.provider, init.host);
    this.#observers = [...(init.observers ?? [])];
    this.#store = init.store;
    this.#redactor = new Redactor(options);
    this.#start = restore?.start ?? { kind: (restore?.state?.turnCount ?? 0) > 0 ? 'resume' : 'new' };
    this.#persisted = restore?.state !== undefined;
    if (restore?.state && restore.state.version > 0) this.#saved = structuredClone(restore.state);
    const now = new Date();
    this.#state = restore?.state ?? {
      sessionId: init.sessionId ?? randomUUID(),
      version: 0,
      createdAt: now,
      updatedAt: now,
      status: 'active',
      model: options.model,
      systemPrompt:
        options.systemPrompt === undefined ? undefined : this.#redactor.text(options.systemPrompt),
      parentSessionId: restore?.start?.kind === 'fork' ? restore.start.from : undefined,
      projectId: init.projectId,
      title: init.title === undefined ? undefined : this.#redactor.text(init.title),
      turnCount: 0,
      totalInputTokens: 0,
      totalOutputTokens: 0,
      totalCacheReadTokens: 0,
      totalCacheWriteTokens: 0,
      totalThinkingTokens: 0,
      totalCostUsd: 0,
      tags: [...(init.tags ?? [])],
      metadata: this.#redactor.value({ ...init.metadata }),
      options: storableOptions(options, this.#redactor),
      lastError: undefined,
    };
    if (restore?.state) {
      this.#state.options = storableOptions(options, this.#redactor);
      if (init.tags) this.#state.tags = [...init.tags];
      if (init.title !== undefined) this.#state.title = this.#redactor.text(init.title);
    }
    // A short root span opens the session's own trace; whoever made the session is linked, not the parent.
    const root = tracer.startSpan('ccflow.session', {
      kind: SpanKind.INTERNAL,
      root: true,
      attributes: { 'gen_ai.conversation.id': this.#state.sessionId },
      links: callerLinks(ROOT_CONTEXT),
    });
    root.end();
    this.#traceContext = trace.setSpan(ROOT_CONTEXT, root);
  }

  /**
   * The OpenTelemetry context of this session's trace. Each turn (`session.turn N`, and the executor's spans under
   * it) and each lifecycle step (`session.create`, `session.fork`, `session.close`, ...) is a span of this one
   * trace, whatever the caller's context; a caller's active span is linked to the turn it started. Parent your own
   * spans on it to put them in the session's trace. A session loaded in another process starts a new trace.
   */
  get traceContext(): Context {
    return this.#traceContext;
  }

  get sessionId(): string {
    return this.#state.sessionId;
  }
  get turnCount(): number {
    return this.#state.turnCount;
  }
  get isClosed(): boolean {
    return this.#state.status === 'closed' || this.#state.status === 'expired';
  }
  get status(): SessionState['status'] {
    return this.#state.status;
  }
  get parentSessionId(): string | undefined {
    return this.#state.parentSessionId;
  }
  get projectId(): string | undefined {
    return this.#state.projectId;
  }
  get totalInputTokens(): number {
    return this.#state.totalInputTokens;
  }
  get totalOutputTokens(): number {
    return this.#state.totalOutputTokens;
  }
  get totalCacheReadTokens(): number {
    return this.#state.totalCacheReadTokens;
  }
  get totalCacheWriteTokens(): number {
    return this.#state.totalCacheWriteTokens;
  }
  get totalThinkingTokens(): number {
    return this.#state.totalThinkingTokens;
  }
  get totalCostUsd(): number {
    return this.#state.totalCostUsd;
  }
  get title(): string | undefined {
    return this.#state.title;
  }
  get tags(): readonly string[] {
    return this.#state.tags;
  }
  get options(): CliAgentOptions {
    return { ...this.#options };
  }
  /** Characters of the last context block over its compact JSON form (see `ToonSavings`). */
  get lastCompressionRatio(): number | undefined {
    return this.#savings.lastCompressionRatio;
  }
  get toonSavings(): ToonSavings {
    return this.#savings;
  }
  /** A copy of the state as a store keeps it. */
  get state(): SessionState {
    return structuredClone(this.#state);
  }

  /** Sends one message and streams the turn's messages. */
  async *sendMessage(content: Prompt, send: SendOptions = {}): AsyncGenerator<Message> {
    if (this.isClosed) throw new SessionClosedError({ sessionId: this.sessionId });
    if (this.#busy) throw new SessionBusyError({ sessionId: this.sessionId });
    this.#busy = true;
    this.#interrupt = new AbortController();
    this.#interrupted = false;
    const turn = this.#state.turnCount + 1;
    const span = tracer.startSpan(
      `session.turn ${turn}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'gen_ai.conversation.id': this.sessionId, 'ccflow.session.turn': turn },
        links: callerLinks(this.#traceContext),
      },
      inTrace(this.#traceContext),
    );
    let failure: unknown;
    let threw = false;
    let result: ResultMessage | undefined;
    let resultSeen = false;
    const watches: TurnWatch[] = [];
    try {
      if (!this.#persisted) await this.#save();
      for (const observer of this.#observers) {
        const watch = await observer.startTurn({ session: this, prompt: content, send, span });
        if (watch) watches.push(watch);
      }
      // Attached here rather than by the executor, to count the savings; the request then carries no context.
      const toon = this.#toon;
      const context = send.context ?? this.#options.context;
      const { prompt, encoding } = preparePrompt(content, { context, toon }, runtime.get(CONFIG).toonEnabled);
      if (encoding && toon.trackSavings) this.#savings.add(encoding);
      if (encoding) span.setAttributes(contextAttributes(encoding));
      const { context: _attached, ...options } = this.#turnOptions();
      const ctx = trace.setSpan(otelContext.active(), span);
      for await (const m of iterateInContext(ctx, () => this.#run(prompt, options, send.signal))) {
        if (m.type === 'system' && m.subtype === 'init') await this.#started(m.model);
        if (m.type === 'result') {
          resultSeen = true;
          result = m;
          this.#account(m);
          if (m.isError) failure = errorFromResult(m);
        }
        for (const watch of watches) watch.message?.(m);
        yield m;
      }
    } catch (error) {
      // An interrupted turn ends like a live one: with its (failed) result, not a throw.
      if (this.#interrupt?.signal.aborted && error === this.#interrupt.signal.reason) return;
      failure = error;
      threw = true;
      throw error;
    } finally {
      this.#interrupt = undefined;
      const interrupted = this.#interrupted && !threw;
      // Asked for: the turn's failed result is how an interrupt ends, not a failure of the session.
      if (interrupted) {
        failure = undefined;
        span.setAttribute('ccflow.session.interrupted', true);
      }
      for (const watch of watches)
        await watch.end({ result, threw, error: threw ? failure : undefined, interrupted });
      this.#busy = false;
      this.#state.lastError = failure === undefined ? undefined : this.#redactor.text(messageOf(failure));
      if (!this.isClosed) this.#state.status = failure === undefined ? 'active' : 'error';
      this.#state.updatedAt = new Date();
      if (failure !== undefined)
        span.setStatus({ code: SpanStatusCode.ERROR, message: this.#state.lastError });
      if (!resultSeen && failure === undefined && !interrupted)
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'stopped' });
      span.end();
      await this.#save();
    }
  }

  /**
   * Ends the turn in progress early; the session stays usable and the next turn continues the conversation. Live, the
   * CLI is interrupted by control request: the turn ends with the CLI's result (`error_during_execution`) and the
   * process stays for the next turn. Without a provider, the turn's CLI is stopped (the executor's abort): the turn
   * ends with the failed result the executor writes, without throwing, and the next turn resumes the session. Does
   * nothing when no turn is running.
   */
  async interrupt(): Promise<void> {
    if (!this.#busy) return;
    this.#interrupted = true;
    if (this.#live) await this.#live.interrupt();
    else this.#interrupt?.abort(new AbortedError({ message: `session ${this.sessionId} was interrupted` }));
  }

  /**
   * Changes the options of the next turns: `options` is merged over the current ones, and a name given as `undefined`
   * goes back to its default. Live, a new `model` or `permissionMode` is set on the running CLI by control request
   * before the next turn; any other change the CLI takes at start-up (tools, `env`, `maxTokens`...) starts a new
   * process for that turn, which resumes the session. The CLI keeps a session's system prompt: a new `systemPrompt`
   * or `appendSystemPrompt` reaches only a session that has not had its first turn. The options a session sets itself (`sessionId`, `resume`...)
   * are ignored, as in the constructor; `redaction` is fixed for the session's life (a `ConfigurationError`).
   */
  async setOptions(options: CliAgentOptions): Promise<void> {
    if (this.isClosed) throw new SessionClosedError({ sessionId: this.sessionId });
    if ('redaction' in options && !isDeepStrictEqual(options.redaction, this.#options.redaction))
      throw new ConfigurationError({ field: 'redaction', problem: 'is fixed for the life of a session' });
    const merged: CliAgentOptions = { ...this.#options, ...options };
    for (const [key, value] of Object.entries(merged))
      if (value === undefined) delete merged[key as keyof CliAgentOptions];
    const next = withoutOwned(merged);
    this.#toon = resolveOptions(next).toon;
    this.#options = next;
    this.#state.options = storableOptions(next, this.#redactor);
    if ('model' in options) this.#state.model = next.model;
    if ('systemPrompt' in options)
      this.#state.systemPrompt = next.systemPrompt && this.#redactor.text(next.systemPrompt);
    this.#state.updatedAt = new Date();
    await this.#save();
  }

  /** Names the session (`undefined` clears the name) and saves it; a closed session can still be renamed. */
  async setTitle(title: string | undefined): Promise<void> {
    this.#state.title = title === undefined ? undefined : this.#redactor.text(title);
    this.#state.updatedAt = new Date();
    await this.#save();
  }

  /** Replaces the session's tags and saves them; a closed session can still be tagged. */
  async setTags(tags: readonly string[]): Promise<void> {
    this.#state.tags = [...tags];
    this.#state.updatedAt = new Date();
    await this.#save();
  }

  /**
   * A new session that branches from this one's conversation as it stands: both remember the shared history and
   * neither sees the other's later turns. The branch gets its own id, chosen by ccflow.
   */
  async fork(): Promise<Session> {
    if (this.isClosed) throw new SessionClosedError({ sessionId: this.sessionId });
    if (this.#busy) throw new SessionBusyError({ sessionId: this.sessionId });
    const now = new Date();
    const state: SessionState = {
      ...structuredClone(this.#state),
      sessionId: randomUUID(),
      version: 0,
      createdAt: now,
      updatedAt: now,
      status: 'active',
      parentSessionId: this.sessionId,
      lastError: undefined,
    };
    // Branch from this session's conversation; an unstarted fork branches from where it would have.
    const start: CliStart =
      this.#start.kind === 'resume' ? { kind: 'fork', from: this.sessionId } : this.#start;
    const child = Session.#restore(
      {
        options: this.#options,
        executor: this.#executor,
        provider: this.#live?.provider,
        host: this.#host,
        store: this.#store,
        observers: this.#observers,
      },
      { state, start },
    );
    await child.#forked(this.sessionId, this, undefined);
    await child.#save();
    lifecycle('session.fork', child, { 'ccflow.session.parent_id': this.sessionId });
    return child;
  }

  /** Ends the session: marks it closed in the store and returns what it cost. Closing twice is harmless. */
  async close(): Promise<SessionStats> {
    if (!this.isClosed) {
      await this.#live?.close();
      this.#state.status = 'closed';
      this.#state.updatedAt = new Date();
      await this.#save();
      lifecycle('session.close', this, { 'ccflow.session.turns': this.turnCount });
    }
    return {
      sessionId: this.sessionId,
      turnCount: this.#state.turnCount,
      totalInputTokens: this.#state.totalInputTokens,
      totalOutputTokens: this.#state.totalOutputTokens,
      totalCacheReadTokens: this.#state.totalCacheReadTokens,
      totalCacheWriteTokens: this.#state.totalCacheWriteTokens,
      totalThinkingTokens: this.#state.totalThinkingTokens,
      totalCostUsd: this.#state.totalCostUsd,
      durationMs: this.#state.updatedAt.getTime() - this.#state.createdAt.getTime(),
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The turn's messages: on the live connection with a provider, else from the executor. */
  #run(prompt: Prompt, options: CliAgentOptions, signal: AbortSignal | undefined): AsyncIterable<Message> {
    if (this.#live) return this.#live.turn(prompt, options, signal);
    const interrupted = this.#interrupt!.signal;
    const either = signal ? AbortSignal.any([signal, interrupted]) : interrupted;
    return this.#executor.execute({ prompt, options, signal: either, host: this.#host });
  }

  #turnOptions(): CliAgentOptions {
    switch (this.#start.kind) {
      case 'resume':
        return { ...this.#options, resume: this.sessionId };
      case 'fork': {
        const { from, at } = this.#start;
        const fork = { resume: from, forkSession: true, sessionId: this.sessionId };
        return { ...this.#options, ...fork, ...(at === undefined ? {} : { resumeSessionAt: at }) };
      }
      case 'new':
        return { ...this.#options, sessionId: this.sessionId };
    }
  }

  async #started(model: string): Promise<void> {
    this.#state.turnCount += 1;
    this.#start = { kind: 'resume' };
    this.#state.model ??= model || undefined;
    this.#state.updatedAt = new Date();
    await this.#save();
  }

  #account(result: Extract<Message, { type: 'result' }>): void {
    const s = this.#state;
    s.totalInputTokens += result.usage.inputTokens;
    s.totalOutputTokens += result.usage.outputTokens;
    s.totalCacheReadTokens += result.usage.cacheReadInputTokens;
    s.totalCacheWriteTokens += result.usage.cacheCreationInputTokens;
    s.totalThinkingTokens += result.usage.thinkingTokens;
    // Per turn: the CLI's `total_cost_usd` is a running total that carries across resumes (adding it counted every
    // earlier turn again). Summed, the turns give the CLI's own running total.
    s.totalCostUsd += result.turnCostUsd;
  }

  /**
   * Writes the state to the store now. A session saves itself at every step (creation when asked, each turn, close),
   * so this is for making it findable before its first turn. See `#write` for concurrent writers.
   */
  async save(): Promise<void> {
    await this.#save();
  }

  #save(): Promise<void> {
    const run = this.#saving.then(() => this.#write());
    this.#saving = run.catch(() => {});
    return run;
  }

  /**
   * Saves with optimistic concurrency: when another writer (this session loaded in another process, the manager's
   * `updateStatus`) saved since this object did, the store refuses the save; the state is then rebased on the stored
   * one (`rebaseState`: counts add up, the rest is this session's) and saved again after a short random pause, up to
   * `SAVE_ATTEMPTS` times, after which the `StoreConflictError` is thrown. A session deleted meanwhile is saved anew.
   */
  async #write(): Promise<void> {
    const store = this.#store;
    if (!store) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        this.#state.version = await store.save(structuredClone(this.#state));
        this.#saved = structuredClone(this.#state);
        this.#persisted = true;
        return;
      } catch (error) {
        if (!StoreConflictError.isInstance(error) || attempt >= SAVE_ATTEMPTS) throw error;
        await saveBackoff(attempt);
        const stored = await store.load(this.sessionId);
        Object.assign(
          this.#state,
          stored === undefined ? { version: 0 } : rebaseState(this.#state, this.#saved, stored),
        );
        this.#saved = stored;
      }
    }
  }

  /**
   * A session from stored state (see `loadSession`). `resume: true` resumes the CLI session even when the state
   * counts no turn (a session known only by its id); default: when it counts one.
   */
  static fromState(
    state: SessionState,
    init: Omit<SessionOptions, 'sessionId'> & { resume?: boolean } = {},
  ): Session {
    const { resume = state.turnCount > 0, ...rest } = init;
    const session = Session.#restore(rest, {
      state: structuredClone(state),
      start: { kind: resume ? 'resume' : 'new' },
    });
    lifecycle('session.resume', session, { 'ccflow.session.turns': state.turnCount });
    return session;
  }

  /**
   * A new session branching from session `from` (any session the CLI knows, live or not): its first turn carries
   * `from`'s conversation, up to message `at` (a `uuid` from the stream) when given, else all of it.
   */
  static async branch(from: string, init: SessionOptions & { at?: string } = {}): Promise<Session> {
    const { at, ...rest } = init;
    const session = Session.#restore(rest, { start: { kind: 'fork', from, at } });
    await session.#forked(from, undefined, at);
    await session.#save();
    lifecycle('session.fork', session, {
      'ccflow.session.parent_id': from,
      ...(at ? { 'ccflow.session.fork_at': at } : {}),
    });
    return session;
  }

  /** A session made from `restore` rather than from nothing: the one way to the constructor's restore path. */
  static #restore(init: SessionOptions, restore: Restore): Session {
    const restoring: RestoringOptions = { ...init, [RESTORE]: restore };
    return new Session(restoring);
  }

  /** Tells this new session's observers what it branches from (see `TurnObserver.forked`). */
  async #forked(from: string, parent: Session | undefined, at: string | undefined): Promise<void> {
    for (const observer of this.#observers) await observer.forked?.({ session: this, from, parent, at });
  }

  /** Marks the session expired (the manager's TTL); it takes no more messages. */
  async expire(): Promise<void> {
    if (this.isClosed) return;
    await this.#live?.close();
    this.#state.status = 'expired';
    this.#state.updatedAt = new Date();
    await this.#save();
  }
}

function withoutOwned(options: CliAgentOptions): CliAgentOptions {
  const out = { ...options };
  // A session chooses and resumes its CLI session itself.
  for (const key of SESSION_CONTROL_OPTIONS) delete out[key];
  return out;
}

/** A short span marking a lifecycle step (creation, resume, fork, close), in the session's trace. */
export function lifecycle(
  name: string,
  session: Session,
  attributes: Record<string, string | number> = {},
): void {
  const links = callerLinks(session.traceContext);
  const options = { attributes: { 'gen_ai.conversation.id': session.sessionId, ...attributes }, links };
  tracer.startSpan(name, options, inTrace(session.traceContext)).end();
}

/**
 * The parent for a span of the session whose trace is `session`: the active context when it is already inside that
 * trace (a span of yours parented on `traceContext`), else the session's root.
 */
function inTrace(session: Context): Context {
  const active = otelContext.active();
  const traceId = trace.getSpanContext(session)?.traceId;
  return trace.getSpanContext(active)?.traceId === traceId ? active : session;
}

/** A link to the caller's active span, when it is valid and outside the session's trace. */
function callerLinks(session: Context): Link[] {
  const caller = trace.getSpanContext(otelContext.active());
  if (!caller || !isSpanContextValid(caller)) return [];
  return caller.traceId === trace.getSpanContext(session)?.traceId ? [] : [{ context: caller }];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
