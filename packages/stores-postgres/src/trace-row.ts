import { checkDate, checkId, checkVersion, toJson, toJsonOrNull } from '@ccflow/sessions/store-kit';
import type { ToolCallRecord, TraceData, TraceModelUsage, TraceStatus } from '@ccflow/tracing';
import { toTimestamp } from './timestamp.ts';

/** A `traces` row as read (JSONB parsed; times in ms). */
export interface TraceRow {
  trace_id: string;
  session_id: string;
  project_id: string | null;
  parent_trace_id: string | null;
  sequence_number: number;
  prompt: string;
  context: Record<string, unknown> | null;
  response: string;
  thinking: string;
  tool_calls: ToolCallRecord[];
  message_stream: unknown[] | null;
  options_snapshot: Record<string, unknown>;
  model: string | null;
  model_usage: Record<string, TraceModelUsage> | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  thinking_tokens: number;
  cost_usd: number;
  duration_ms: number;
  status: string;
  error_message: string | null;
  resume_at: string | null;
  otel_trace_id: string | null;
  otel_span_id: string | null;
  created_at: number;
  updated_at: number;
  metadata: Record<string, unknown>;
  version: number;
}

/** The columns a save writes (the id first); the store owns `version`. */
export const TRACE_WRITTEN = [
  'trace_id',
  'session_id',
  'project_id',
  'parent_trace_id',
  'sequence_number',
  'prompt',
  'context',
  'response',
  'thinking',
  'tool_calls',
  'message_stream',
  'options_snapshot',
  'model',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'thinking_tokens',
  'cost_usd',
  'duration_ms',
  'status',
  'error_message',
  'resume_at',
  'otel_trace_id',
  'otel_span_id',
  'created_at',
  'updated_at',
  'metadata',
  'model_usage',
] as const;

/** Every column, as `load` and `list` read them. */
export const TRACE_COLUMNS = [...TRACE_WRITTEN, 'version'];

/** Validates the trace and gives the parameters of the trace save, in `TRACE_WRITTEN` order. */
export function traceParams(trace: TraceData): unknown[] {
  checkId('traceId', trace?.traceId);
  checkDate('createdAt', trace.createdAt);
  checkDate('updatedAt', trace.updatedAt);
  checkVersion(trace.version);
  return [
    trace.traceId,
    trace.sessionId,
    trace.projectId ?? null,
    trace.parentTraceId ?? null,
    trace.sequenceNumber,
    trace.prompt,
    toJsonOrNull('context', trace.context),
    trace.response,
    trace.thinking,
    toJson('toolCalls', trace.toolCalls ?? []),
    toJsonOrNull('messageStream', trace.messageStream),
    toJson('optionsSnapshot', trace.optionsSnapshot ?? {}),
    trace.model ?? null,
    trace.inputTokens,
    trace.outputTokens,
    trace.cacheReadTokens,
    trace.cacheWriteTokens,
    trace.thinkingTokens,
    trace.costUsd,
    trace.durationMs,
    trace.status,
    trace.errorMessage ?? null,
    trace.resumeAt ?? null,
    trace.otelTraceId ?? null,
    trace.otelSpanId ?? null,
    toTimestamp(trace.createdAt),
    toTimestamp(trace.updatedAt),
    toJson('metadata', trace.metadata ?? {}),
    toJsonOrNull('modelUsage', trace.modelUsage),
  ];
}

export function toTrace(row: TraceRow): TraceData {
  return {
    traceId: row.trace_id,
    sessionId: row.session_id,
    projectId: row.project_id ?? undefined,
    parentTraceId: row.parent_trace_id ?? undefined,
    sequenceNumber: row.sequence_number,
    prompt: row.prompt,
    context: row.context ?? undefined,
    response: row.response,
    thinking: row.thinking,
    toolCalls: row.tool_calls,
    messageStream: row.message_stream ?? undefined,
    optionsSnapshot: row.options_snapshot,
    model: row.model ?? undefined,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    thinkingTokens: row.thinking_tokens,
    costUsd: row.cost_usd,
    durationMs: row.duration_ms,
    status: row.status as TraceStatus,
    errorMessage: row.error_message ?? undefined,
    resumeAt: row.resume_at ?? undefined,
    otelTraceId: row.otel_trace_id ?? undefined,
    otelSpanId: row.otel_span_id ?? undefined,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    metadata: row.metadata,
    ...(row.model_usage === null ? {} : { modelUsage: row.model_usage }),
    version: row.version,
  };
}
