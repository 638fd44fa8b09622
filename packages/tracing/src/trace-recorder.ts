import { randomUUID } from 'node:crypto';
import { AbortedError, errorFromResult, promptText, Redactor } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import type { SendOptions, Session, SessionFork, TurnObserver, TurnStart, TurnWatch } from '@ccflow/sessions';
import { isSpanContextValid } from '@opentelemetry/api';
import type { ToolCallRecord, TraceData, TraceStatus, TraceStore } from './trace-store.ts';
import { turnModelUsage } from './turn-model-usage.ts';

/** The span attribute that names the stored trace of a turn: search your backend for it. */
export const TRACE_ID_ATTRIBUTE = 'ccflow.trace_id';

export interface TraceRecorderOptions {
  /** Where each turn's `TraceData` is written. */
  traceStore: TraceStore;
  /** Keep every message of each turn in `messageStream` (larger traces). Default false. */
  detailed?: boolean;
}

/** What a traced turn's `sendMessage` may carry for the recorder. */
export interface TracingSendOptions extends SendOptions {
  /** The trace this turn replays or follows from. */
  parentTraceId?: string;
}

/** What the recorder keeps of one session between its turns. */
interface SessionTraces {
  /** Hides secrets in every trace before it is written, with the session's redaction options. */
  readonly redactor: Redactor;
  /** Traces written, refused turns excluded. */
  count: number;
  lastSequence: number;
  /** The uuid of the last transcript line (assistant or user) seen: where `--resume-session-at` can cut. */
  lastUuid: string | undefined;
  last: TraceData | undefined;
}

/**
 * Records a `TraceData` per turn of every session it observes (`SessionOptions.observers`; forks and branches keep
 * it): written `pending` before the CLI starts (a crash leaves evidence) and completed when the turn ends, however it
 * ends (`success`, `error` with the message, or `cancelled` on abort or when the caller stops reading). The turn's
 * span (`session.turn N`, the parent of the executor's `invoke_agent`) carries `ccflow.trace_id` and
 * `ccflow.trace.status`, and the trace records the span's ids, so either leads to the other.
 *
 * One recorder serves any number of sessions. Its memory of each (`lastTrace`, `traceCount`, where the next fork
 * resumes) is held by the session object, weakly: it goes with the session, and two objects for one stored session
 * count apart.
 */
export class TraceRecorder implements TurnObserver {
  readonly #traceStore: TraceStore;
  readonly #detailed: boolean;
  readonly #sessions = new WeakMap<Session, SessionTraces>();

  constructor(options: TraceRecorderOptions) {
    this.#traceStore = options.traceStore;
    this.#detailed = options.detailed ?? false;
  }

  get traceStore(): TraceStore {
    return this.#traceStore;
  }
  get detailed(): boolean {
    return this.#detailed;
  }

  /** A copy of the session's latest trace, as stored when it was last written (pending while its turn runs). */
  lastTrace(session: Session): TraceData | undefined {
    const last = this.#sessions.get(session)?.last;
    return last === undefined ? undefined : structuredClone(last);
  }

  /** Traces this recorder has written for the session (one per turn), refused calls excluded. */
  traceCount(session: Session): number {
    return this.#sessions.get(session)?.count ?? 0;
  }

  /** A fork's first trace resumes where its parent stood; a branch's where it was cut (`at`). */
  forked(fork: SessionFork): void {
    const { parent, at } = fork;
    const from = parent === undefined ? undefined : this.#sessions.get(parent)?.lastUuid;
    this.#of(fork.session).lastUuid = at ?? from;
  }

  /** Starts the trace of a turn: written `pending` before the CLI starts. */
  async startTurn(turn: TurnStart): Promise<TurnWatch> {
    const { session, span } = turn;
    const traces = this.#of(session);
    const send = turn.send as TracingSendOptions;
    const traceId = randomUUID();
    span.setAttributes({
      [TRACE_ID_ATTRIBUTE]: traceId,
      ...(session.projectId ? { 'ccflow.project_id': session.projectId } : {}),
    });
    const spanContext = span.spanContext();
    const linked = isSpanContextValid(spanContext);
    const now = new Date();
    const options = session.options;
    const turnContext = send.context ?? options.context;
    // The session's turn count plus one, and never a number already given (a turn may fail before the CLI starts).
    traces.lastSequence = Math.max(session.turnCount, traces.lastSequence) + 1;
    const record: TraceData = {
      traceId,
      version: 0,
      sessionId: session.sessionId,
      projectId: session.projectId,
      parentTraceId: send.parentTraceId,
      sequenceNumber: traces.lastSequence,
      prompt: promptText(turn.prompt),
      context: turnContext === undefined ? undefined : jsonSafe(turnContext),
      response: '',
      thinking: '',
      toolCalls: [],
      messageStream: this.#detailed ? [] : undefined,
      optionsSnapshot: traces.redactor.options(options),
      model: options.model,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      thinkingTokens: 0,
      costUsd: 0,
      durationMs: 0,
      status: 'pending',
      errorMessage: undefined,
      resumeAt: traces.lastUuid,
      otelTraceId: linked ? spanContext.traceId : undefined,
      otelSpanId: linked ? spanContext.spanId : undefined,
      createdAt: now,
      updatedAt: now,
      metadata: { ...send.metadata },
    };
    const started = performance.now();
    const builder = new TraceBuilder(record);
    await this.#write(record, traces);
    return {
      message: (m) => {
        builder.observe(m);
        if ((m.type === 'assistant' || m.type === 'user') && m.uuid) traces.lastUuid = m.uuid;
      },
      end: async ({ threw, error, interrupted }) => {
        record.durationMs = Math.round(performance.now() - started);
        const { status, message } = interrupted
          ? { status: 'cancelled' as const, message: 'interrupted' }
          : builder.outcome(threw, error, send.signal);
        record.status = status;
        record.errorMessage = message;
        record.updatedAt = new Date();
        span.setAttribute('ccflow.trace.status', status);
        await this.#write(record, traces);
      },
    };
  }

  #of(session: Session): SessionTraces {
    let traces = this.#sessions.get(session);
    if (traces === undefined) {
      const redactor = new Redactor(session.options);
      traces = { redactor, count: 0, lastSequence: 0, lastUuid: undefined, last: undefined };
      this.#sessions.set(session, traces);
    }
    return traces;
  }

  /**
   * Writes the trace as stored: with its secrets redacted. Only this turn writes its trace, so it carries the version
   * its last save gave; a conflict (someone else wrote this trace id) is thrown, not merged.
   */
  async #write(record: TraceData, traces: SessionTraces): Promise<void> {
    const stored = redactTrace(record, traces.redactor);
    traces.last = structuredClone(stored);
    if (record.status === 'pending') traces.count += 1;
    record.version = await this.#traceStore.save(stored);
    traces.last.version = record.version;
  }
}

/** Builds a turn's trace from its messages. */
class TraceBuilder {
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
        r.modelUsage = turnModelUsage(m);
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
