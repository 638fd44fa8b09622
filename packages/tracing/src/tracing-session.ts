import type { CliAgentOptions, Prompt } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { Session, type SessionOptions, type SessionStats } from '@ccflow/sessions';
import { TraceRecorder, type TracingSendOptions } from './trace-recorder.ts';
import type { TraceData, TraceStore } from './trace-store.ts';

export interface TracingSessionOptions extends SessionOptions {
  /** Where each turn's `TraceData` is written. */
  traceStore: TraceStore;
  /** Keep every message of each turn in `messageStream` (larger traces). Default false. */
  detailed?: boolean;
  /** The parent of this session's first trace (set by replays). */
  parentTraceId?: string;
}

/** The key under which `TracingSession.#of` hands the constructor a session and recorder it made: not exported. */
const PARTS = Symbol('ccflow.tracing-session.parts');
type Parts = { session: Session; recorder: TraceRecorder; parentTraceId: string | undefined };
type WrappingOptions = TracingSessionOptions & { [PARTS]?: Parts };

/**
 * A `Session` with a `TraceRecorder`, and the recorder's view of it typed on one object: `lastTrace`, `traceCount`,
 * `getTraces`. It is no `Session` subclass and adds no turn logic: `session` is a plain `Session` whose observers
 * include `recorder`, and its forks and branches keep that recorder. The conversation verbs and the reference's
 * session properties are here; everything else a `Session` has is on `session`.
 */
export class TracingSession implements AsyncDisposable {
  /** The session itself: its state, totals, trace context, and anything else a `Session` offers. */
  readonly session: Session;
  /** Writes this session's traces, and its forks' and branches'. */
  readonly recorder: TraceRecorder;
  /** The parent of the first trace, when it follows another. */
  readonly #parentTraceId: string | undefined;

  constructor(init: TracingSessionOptions) {
    let parts = (init as WrappingOptions)[PARTS];
    if (parts === undefined) {
      const { options, recorder, parentTraceId } = withRecorder(init);
      parts = { session: new Session(options), recorder, parentTraceId };
    }
    this.session = parts.session;
    this.recorder = parts.recorder;
    this.#parentTraceId = parts.parentTraceId;
  }

  get sessionId(): string {
    return this.session.sessionId;
  }
  get projectId(): string | undefined {
    return this.session.projectId;
  }
  get turnCount(): number {
    return this.session.turnCount;
  }
  get isClosed(): boolean {
    return this.session.isClosed;
  }
  get totalInputTokens(): number {
    return this.session.totalInputTokens;
  }
  get totalOutputTokens(): number {
    return this.session.totalOutputTokens;
  }
  /** The session's cost so far, as the CLI counts it (see `Session.totalCostUsd`). */
  get totalCostUsd(): number {
    return this.session.totalCostUsd;
  }
  get detailed(): boolean {
    return this.recorder.detailed;
  }
  get traceStore(): TraceStore {
    return this.recorder.traceStore;
  }
  /** Traces written for this session (one per `sendMessage`), refused calls excluded. */
  get traceCount(): number {
    return this.recorder.traceCount(this.session);
  }
  /** A copy of the latest trace, as stored when it was last written (pending while its turn runs). */
  get lastTrace(): TraceData | undefined {
    return this.recorder.lastTrace(this.session);
  }

  /** This session's traces from the store, in turn order. */
  async getTraces(limit?: number): Promise<TraceData[]> {
    return this.recorder.traceStore.getSessionTraces(this.sessionId, limit);
  }

  /**
   * Sends one message and streams the turn's messages (see `Session.sendMessage`); `send.parentTraceId` names the
   * trace's parent (default: the session's `parentTraceId`, for its first trace).
   */
  sendMessage(content: Prompt, send: TracingSendOptions = {}): AsyncGenerator<Message> {
    const first = this.traceCount === 0 ? this.#parentTraceId : undefined;
    const traced: TracingSendOptions = { ...send, parentTraceId: send.parentTraceId ?? first };
    return this.session.sendMessage(content, traced);
  }

  /** A branch of this session's conversation as it stands (see `Session.fork`), traced by the same recorder. */
  async fork(): Promise<TracingSession> {
    return TracingSession.#of({
      session: await this.session.fork(),
      recorder: this.recorder,
      parentTraceId: undefined,
    });
  }

  /** Ends the session (see `Session.close`). */
  /** Ends the turn in progress early (see `Session.interrupt`); its trace is written as the turn ends. */
  interrupt(): Promise<void> {
    return this.session.interrupt();
  }

  /** Changes the options of the next turns (see `Session.setOptions`). */
  setOptions(options: CliAgentOptions): Promise<void> {
    return this.session.setOptions(options);
  }

  close(): Promise<SessionStats> {
    return this.session.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.session.close();
  }

  /**
   * A traced session branching from session `from` up to message `at` (see `Session.branch`). Its first trace
   * records `at` as its `resumeAt`: the CLI keeps message uuids in a forked transcript, so that point exists in the
   * branch too.
   */
  static async branch(from: string, init: TracingSessionOptions & { at?: string }): Promise<TracingSession> {
    const { at, ...rest } = init;
    const { options, recorder, parentTraceId } = withRecorder(rest);
    const session = await Session.branch(from, { ...options, at });
    return TracingSession.#of({ session, recorder, parentTraceId });
  }

  static #of(parts: Parts): TracingSession {
    const wrapping: WrappingOptions = { traceStore: parts.recorder.traceStore, [PARTS]: parts };
    return new TracingSession(wrapping);
  }
}

/** The session's own options, with a new `TraceRecorder` last among their observers. */
function withRecorder(init: TracingSessionOptions): Omit<Parts, 'session'> & { options: SessionOptions } {
  const { traceStore, detailed, parentTraceId, ...options } = init;
  const recorder = new TraceRecorder({ traceStore, detailed });
  return {
    options: { ...options, observers: [...(options.observers ?? []), recorder] },
    recorder,
    parentTraceId,
  };
}

/** A traced session; see {@link TracingSession}. */
export function createTracingSession(init: TracingSessionOptions): TracingSession {
  return new TracingSession(init);
}
