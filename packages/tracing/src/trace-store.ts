export const TRACE_STATUSES = ['pending', 'success', 'error', 'cancelled'] as const;
/** `pending` is written before the CLI starts, so a crash leaves evidence; `cancelled` is an abort. */
export type TraceStatus = (typeof TRACE_STATUSES)[number];

/** One tool call of a turn, from its use to its result. */
export interface ToolCallRecord {
  toolUseId: string;
  tool: string;
  args: unknown;
  /** The result as text; absent when the turn ended before it. */
  result?: string;
  isError?: boolean;
}

/** What one model used in a turn and what the CLI says it cost (its `model_usage_since_last_result`). */
export interface TraceModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** All cache writes, of either lifetime. */
  cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime. */
  cacheWrite1hTokens: number;
  webSearchRequests: number;
  /** The CLI's cost for these tokens. */
  costUsd: number;
}

/** The full record of one prompt/response cycle (one `sendMessage`). */
export interface TraceData {
  traceId: string;
  /** The store's count of writes to this trace: 0 before its first save (see `TraceStore`). */
  version: number;
  sessionId: string;
  projectId: string | undefined;
  /** The trace this one replays or follows from. */
  parentTraceId: string | undefined;
  /** 1-based position of the turn in its session. */
  sequenceNumber: number;

  prompt: string;
  /** The turn's context object, as given (before encoding). */
  context: Record<string, unknown> | undefined;
  response: string;
  thinking: string;
  toolCalls: ToolCallRecord[];
  /** Every message of the turn, in `detailed` mode. */
  messageStream: unknown[] | undefined;
  /** The options of the turn, with secrets redacted. */
  optionsSnapshot: Record<string, unknown>;
  /** The model the CLI used. */
  model: string | undefined;

  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  thinkingTokens: number;
  costUsd: number;
  /**
   * Per model (as the CLI names it), what the turn used: what a price table needs to price the turn, since a turn
   * can use more than one model (a subagent on another). Absent when the CLI reported no per-turn figures.
   */
  modelUsage?: Record<string, TraceModelUsage>;
  durationMs: number;

  status: TraceStatus;
  errorMessage: string | undefined;

  /**
   * The CLI's id of the conversation point just before this turn (the uuid of the last message of the previous
   * turn), which `--resume-session-at` takes to fork from the conversation as it stood when this prompt was sent.
   */
  resumeAt: string | undefined;
  /** The OpenTelemetry trace and span of the turn, to go from this record to the tracing backend. */
  otelTraceId: string | undefined;
  otelSpanId: string | undefined;

  createdAt: Date;
  updatedAt: Date;
  metadata: Record<string, unknown>;
}

export interface TraceFilter {
  sessionId?: string;
  projectId?: string;
  status?: TraceStatus;
  /** The model the CLI used (`TraceData.model`), exactly. */
  model?: string;
  parentTraceId?: string;
  /** Inclusive bounds on `createdAt`. */
  after?: Date;
  before?: Date;
  /** Default 100. */
  limit?: number;
  offset?: number;
}

/**
 * Where traces live. `MemoryTraceStore` here, `SQLiteTraceStore` in `@ccflow/stores-sqlite`, or your own:
 * `@ccflow/tracing/testing` has the conformance suite.
 *
 * `save` inserts or replaces the whole trace, with optimistic concurrency as `SessionStore.save`: only when
 * `trace.version` is the stored version (0: no such trace), resolving to the new version, else `StoreConflictError`
 * and nothing written. `list` orders oldest `createdAt` first, then `sequenceNumber`, then
 * `traceId` in binary order (a session reads in turn order), and pages with `limit` (default 100) and `offset`
 * (non-negative integers; `count` ignores both); empty `messageStream`/`context` stay empty, absent stay absent;
 * `getSessionTraces` and `getProjectTraces` are `list` with that one filter; `cleanup(olderThanMs)` deletes traces
 * whose `updatedAt` is strictly older than now minus `olderThanMs`. Bad input rejects with `StoreInputError`; after
 * `close()` every call rejects with `StoreClosedError`. Dates round-trip to the millisecond, JSON fields as JSON.
 */
export interface TraceStore {
  /** Resolves to the trace's new version. */
  save(trace: TraceData): Promise<number>;
  load(traceId: string): Promise<TraceData | undefined>;
  delete(traceId: string): Promise<boolean>;
  list(filter?: TraceFilter): Promise<TraceData[]>;
  getSessionTraces(sessionId: string, limit?: number): Promise<TraceData[]>;
  getProjectTraces(projectId: string, limit?: number): Promise<TraceData[]>;
  count(filter?: TraceFilter): Promise<number>;
  cleanup(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
