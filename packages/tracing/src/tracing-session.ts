import { randomUUID } from 'node:crypto';
import { AbortedError, errorFromResult, type Prompt, promptText, Redactor } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import {
  type SendOptions,
  Session,
  type SessionOptions,
  type TurnObserver,
  type TurnStart,
  type TurnWatch,
} from '@ccflow/sessions';
import { isSpanContextValid } from '@opentelemetry/api';
import type { ToolCallRecord, TraceData, TraceStatus, TraceStore } from './trace-store.ts';

/** The span attribute that names the stored trace of a turn: search your backend for it. */
export const TRACE_ID_ATTRIBUTE = 'ccflow.trace_id';

export interface TracingSessionOptions extends SessionOptions {
  /** Where each turn's `TraceData` is written. */
  traceStore: TraceStore;
  /** Keep every message of each turn in `messageStream` (larger traces). Default false. */
  detailed?: boolean;
  /** The parent of this session's first trace (set by replays). */
  parentTraceId?: string;
}

export interface TracingSendOptions extends SendOptions {
  /** The trace this turn replays or follows from; default: the session's `parentTraceId` for its first turn. */
  parentTraceId?: string;
}

type Restore = NonNullable<ConstructorParameters<typeof Session>[1]>;

/**
 * A `Session` that records a `TraceData` per `sendMessage`, through the session's turn observers (no turn logic of
 * its own): written as `pending` before the CLI starts (a crash leaves evidence) and completed when the turn ends,
 * however it ends (`success`, `error` with the message, or `cancelled` on abort or when the caller stops reading).
 * The turn's span (`session.turn N`, the parent of the executor's `invoke_agent`) carries `ccflow.trace_id` and
 * `ccflow.trace.status`, and the trace records the span's ids, so either leads to the other.
 */
export class TracingSession extends Session {
  readonly #traceStore: TraceStore;
  readonly #detailed: boolean;
  readonly #init: TracingSessionOptions;
  /** Hides secrets in every trace before it is written (see `Redactor`). */
  readonly #redactor: Redactor;
  #parentTraceId: string | undefined;
  /** The uuid of the last transcript line (assistant or user) seen: where `--resume-session-at` can cut. */
  #lastUuid: string | undefined;
  /** How this session first reaches the CLI, for a fork taken before its first turn. */
  readonly #origin: Restore['start'];
  #traceCount = 0;
  #lastSequence = 0;
  #lastTrace: TraceData | undefined;

  constructor(init: TracingSessionOptions, restore?: Restore & { resumeAt?: string }) {
    const { traceStore, detailed, parentTraceId, ...sessionInit } = init;
    // The session calls this object's turn observer; `this` exists once `super` returns, before any turn.
    const observer: TurnObserver = { startTurn: (turn) => this.#startTurn(turn) };
    super({ ...sessionInit, observers: [...(sessionInit.observers ?? []), observer] }, restore);
    this.#traceStore = traceStore;
    this.#detailed = detailed ?? false;
    this.#init = init;
    this.#redactor = new Redactor(this.options);
    this.#parentTraceId = parentTraceId;
    this.#lastUuid = restore?.resumeAt;
    this.#origin = restore?.start;
  }

  get detailed(): boolean {
    return this.#detailed;
  }
  get traceStore(): TraceStore {
    return this.#traceStore;
  }
  /** Traces this object has written (one per `sendMessage`), refused calls excluded. */
  get traceCount(): number {
    return this.#traceCount;
  }
  /** A copy of the latest trace, as stored when it was last written (pending while its turn runs). */
  get lastTrace(): TraceData | undefined {
    return this.#lastTrace === undefined ? undefined : structuredClone(this.#lastTrace);
  }

  /** This session's traces from the store, in turn order. */
  async getTraces(limit?: number): Promise<TraceData[]> {
    return this.#traceStore.getSessionTraces(this.sessionId, limit);
  }

  /** Sends one message and streams the turn's messages (see `Session.sendMessage`); `send` may name the trace's parent. */
  override sendMessage(content: Prompt, send: TracingSendOptions = {}): AsyncGenerator<Message> {
    return super.sendMessage(content, send);
  }

  /** Starts this session's trace of a turn (the session's turn observer): written `pending` before the CLI starts. */
  async #startTurn(turn: TurnStart): Promise<TurnWatch | undefined> {
    // Forks made by the plain `Session.fork` carry the observers; only this session's turns are this one's to trace.
    if (turn.session !== this) return undefined;
    const send = turn.send as TracingSendOptions;
    const traceId = randomUUID();
    const { span } = turn;
    span.setAttributes({
      [TRACE_ID_ATTRIBUTE]: traceId,
      ...(this.projectId ? { 'ccflow.project_id': this.projectId } : {}),
    });
    const spanContext = span.spanContext();
    const linked = isSpanContextValid(spanContext);
    const now = new Date();
    const turnContext = send.context ?? this.options.context;
    const record: TraceData = {
      traceId,
      version: 0,
      sessionId: this.sessionId,
      projectId: this.projectId,
      parentTraceId: send.parentTraceId ?? (this.#traceCount === 0 ? this.#parentTraceId : undefined),
      sequenceNumber: this.#nextSequence(),
      prompt: promptText(turn.prompt),
      context: turnContext === undefined ? undefined : jsonSafe(turnContext),
      response: '',
      thinking: '',
      toolCalls: [],
      messageStream: this.#detailed ? [] : undefined,
      optionsSnapshot: this.#redactor.options(this.options),
      model: this.options.model,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      thinkingTokens: 0,
      costUsd: 0,
      durationMs: 0,
      status: 'pending',
      errorMessage: undefined,
      resumeAt: this.#lastUuid,
      otelTraceId: linked ? spanContext.traceId : undefined,
      otelSpanId: linked ? spanContext.spanId : undefined,
      createdAt: now,
      updatedAt: now,
      metadata: { ...send.metadata },
    };
    const started = performance.now();
    const recorder = new TurnRecorder(record);
    await this.#write(record);
    return {
      message: (m) => {
        recorder.observe(m);
        if ((m.type === 'assistant' || m.type === 'user') && m.uuid) this.#lastUuid = m.uuid;
      },
      end: async ({ threw, error }) => {
        record.durationMs = Math.round(performance.now() - started);
        const { status, message } = recorder.outcome(threw, error, send.signal);
        record.status = status;
        record.errorMessage = message;
        record.updatedAt = new Date();
        span.setAttribute('ccflow.trace.status', status);
        await this.#write(record);
      },
    };
  }

  /**
   * A branch of this session's conversation as it stands (see `Session.fork`) that is traced too, into the same
   * store.
   */
  override async fork(): Promise<TracingSession> {
    const plain = await super.fork();
    const child = new TracingSession(
      { ...this.#init, parentTraceId: undefined },
      {
        state: plain.state,
        start:
          this.turnCount > 0 ? { kind: 'fork', from: this.sessionId } : (this.#origin ?? { kind: 'new' }),
        resumeAt: this.#lastUuid,
      },
    );
    return child;
  }

  /**
   * A traced session branching from session `from` up to message `at` (see `Session.branch`). Its first trace
   * records `at` as its `resumeAt`: the CLI keeps message uuids in a forked transcript, so that point exists in the
   * branch too.
   */
  static override async branch(
    from: string,
    init: TracingSessionOptions & { at?: string },
  ): Promise<TracingSession> {
    const { at, ...rest } = init;
    return new TracingSession(rest, { start: { kind: 'fork', from, at }, resumeAt: at });
  }

  /** The session's turn count plus one, and never a number this object already gave (a turn may fail before the CLI starts, leaving the count). */
  #nextSequence(): number {
    this.#lastSequence = Math.max(this.turnCount, this.#lastSequence) + 1;
    return this.#lastSequence;
  }

  /**
   * Writes the trace as stored: with its secrets redacted. Only this turn writes its trace, so it carries the version
   * its last save gave; a conflict (someone else wrote this trace id) is thrown, not merged.
   */
  async #write(record: TraceData): Promise<void> {
    const stored = redactTrace(record, this.#redactor);
    this.#lastTrace = structuredClone(stored);
    if (record.status === 'pending') this.#traceCount += 1;
    record.version = await this.#traceStore.save(stored);
    this.#lastTrace.version = record.version;
  }
}

/** Builds a turn's trace from its messages. */
class TurnRecorder {
  readonly #record: TraceData;
  readonly #tools = new Map<string, ToolCallRecord>();
  #textMessage: string | undefined;
  #result: Extract<Message, { type: 'result' }> | undefined;

  constructor(record: TraceData) {
    this.#record = record;
  }

  observe(m: Message): void {
    const r = this.#record;
    r.messageStream?.push(jsonSafe(m));
    switch (m.type) {
      case 'system':
        if (m.subtype === 'init' && m.model) r.model = m.model;
        break;
      case 'text':
        // Separate the text of different API messages (before and after a tool call); deltas join as they came.
        if (r.response && m.messageId !== this.#textMessage) r.response += '\n\n';
        this.#textMessage = m.messageId;
        r.response += m.content;
        break;
      case 'thinking':
        r.thinking += m.content;
        break;
      case 'tool_use': {
        const call: ToolCallRecord = { toolUseId: m.toolUseId, tool: m.tool, args: jsonSafe(m.args) };
        this.#tools.set(m.toolUseId, call);
        r.toolCalls.push(call);
        break;
      }
      case 'tool_result': {
        const call = this.#tools.get(m.toolUseId);
        if (call) {
          call.result = m.result;
          call.isError = m.isError;
        } else {
          const { toolUseId, tool = 'unknown', result, isError } = m;
          r.toolCalls.push({ toolUseId, tool, args: undefined, result, isError });
        }
        break;
      }
      case 'result':
        this.#result = m;
        r.inputTokens = m.usage.inputTokens;
        r.outputTokens = m.usage.outputTokens;
        r.cacheReadTokens = m.usage.cacheReadInputTokens;
        r.cacheWriteTokens = m.usage.cacheCreationInputTokens;
        r.thinkingTokens = m.usage.thinkingTokens;
        r.costUsd = m.turnCostUsd;
        break;
    }
  }

  /** How the turn ended: an abort or a stop by the caller is `cancelled`, any other failure `error`. */
  outcome(
    threw: boolean,
    error: unknown,
    signal: AbortSignal | undefined,
  ): { status: TraceStatus; message: string | undefined } {
    if (threw) {
      const cancelled =
        AbortedError.isInstance(error) || (error as Error)?.name === 'AbortError' || signal?.aborted === true;
      return { status: cancelled ? 'cancelled' : 'error', message: messageOf(error) };
    }
    if (this.#result === undefined) return { status: 'cancelled', message: 'stopped before the result' };
    if (this.#result.isError) return { status: 'error', message: errorFromResult(this.#result).message };
    return { status: 'success', message: undefined };
  }
}

/**
 * A trace's text and JSON fields with secrets replaced (the options snapshot is redacted when the trace is made).
 * Applied to the whole turn at each write, so a secret split across streamed deltas is whole in `response`.
 */
function redactTrace(record: TraceData, redactor: Redactor): TraceData {
  return {
    ...record,
    prompt: redactor.text(record.prompt),
    context: redactor.value(record.context),
    response: redactor.text(record.response),
    thinking: redactor.text(record.thinking),
    toolCalls: redactor.value(record.toolCalls),
    messageStream: redactor.value(record.messageStream),
    errorMessage: record.errorMessage === undefined ? undefined : redactor.text(record.errorMessage),
    metadata: redactor.value(record.metadata),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Copies values as they are, cut at `MAX_DEPTH` (see `Redactor`): for what JSON cannot take. */
const VERBATIM = new Redactor({ redaction: { enabled: false } });

/** A plain JSON copy: what any store can keep, also of a value nested deeper than `JSON.stringify` goes. */
function jsonSafe<T>(value: T): T {
  if (value === undefined) return value;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return VERBATIM.value(value);
  }
}

/** A traced session; see {@link TracingSession}. */
export function createTracingSession(init: TracingSessionOptions): TracingSession {
  return new TracingSession(init);
}
