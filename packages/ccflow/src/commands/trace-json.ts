import type { TraceData } from '@ccflow/tracing';

/** The stable JSON of a trace in a list: what it was and what it cost, without its texts beyond the prompt. */
export function traceListJson(t: TraceData) {
  return {
    traceId: t.traceId,
    sessionId: t.sessionId,
    projectId: t.projectId ?? null,
    parentTraceId: t.parentTraceId ?? null,
    sequenceNumber: t.sequenceNumber,
    status: t.status,
    model: t.model ?? null,
    prompt: t.prompt,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadTokens: t.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens,
    thinkingTokens: t.thinkingTokens,
    costUsd: t.costUsd,
    durationMs: t.durationMs,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** The stable JSON of one trace: all of it but the `detailed` message stream. */
export function traceJson(t: TraceData) {
  return {
    ...traceListJson(t),
    /** The trace a replay or fork ran again (`Project.replayAsNew` / `replayFork` write it). */
    replayOf: typeof t.metadata.replayOf === 'string' ? t.metadata.replayOf : null,
    errorMessage: t.errorMessage ?? null,
    context: t.context ?? null,
    response: t.response,
    thinking: t.thinking,
    toolCalls: t.toolCalls.map((c) => ({
      toolUseId: c.toolUseId,
      tool: c.tool,
      args: c.args ?? null,
      result: c.result ?? null,
      isError: c.isError ?? null,
    })),
    modelUsage: t.modelUsage ?? null,
    options: t.optionsSnapshot,
    resumeAt: t.resumeAt ?? null,
    otelTraceId: t.otelTraceId ?? null,
    otelSpanId: t.otelSpanId ?? null,
    metadata: t.metadata,
  };
}
