import { TRACE_STATUSES, type TraceData, type TraceStatus } from './trace-store.ts';

/** The totals of one model's traces. */
export interface ModelSummary {
  traces: number;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  costUsd: number;
}

/** What a set of traces used and how its turns ended. */
export interface TraceSummary {
  totalTraces: number;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  totalDurationMs: number;
  /** Over the traces that have ended (pending ones have no duration yet); 0 when none has. */
  averageDurationMs: number;
  maxDurationMs: number;
  /** Every status, zeros included, so a dashboard needs no defaults. */
  byStatus: Record<TraceStatus, number>;
  /** By the model the CLI reported (`unknown` when the turn never got that far). */
  byModel: Record<string, ModelSummary>;
}

/** Adds up traces: a pure function, so any store's traces can be summarized the same way. */
export function summarizeTraces(traces: readonly TraceData[]): TraceSummary {
  const byStatus = Object.fromEntries(TRACE_STATUSES.map((s) => [s, 0])) as Record<TraceStatus, number>;
  const byModel: Record<string, ModelSummary> = {};
  const summary: TraceSummary = {
    totalTraces: traces.length,
    inputTokens: 0,
    outputTokens: 0,
    thinkingTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    totalDurationMs: 0,
    averageDurationMs: 0,
    maxDurationMs: 0,
    byStatus,
    byModel,
  };
  let ended = 0;
  for (const t of traces) {
    summary.inputTokens += t.inputTokens;
    summary.outputTokens += t.outputTokens;
    summary.thinkingTokens += t.thinkingTokens;
    summary.cacheReadTokens += t.cacheReadTokens;
    summary.cacheWriteTokens += t.cacheWriteTokens;
    summary.costUsd += t.costUsd;
    byStatus[t.status] += 1;
    if (t.status !== 'pending') {
      ended += 1;
      summary.totalDurationMs += t.durationMs;
      summary.maxDurationMs = Math.max(summary.maxDurationMs, t.durationMs);
    }
    const name = t.model ?? 'unknown';
    const model = byModel[name] ?? {
      traces: 0,
      inputTokens: 0,
      outputTokens: 0,
      thinkingTokens: 0,
      costUsd: 0,
    };
    byModel[name] = model;
    model.traces += 1;
    model.inputTokens += t.inputTokens;
    model.outputTokens += t.outputTokens;
    model.thinkingTokens += t.thinkingTokens;
    model.costUsd += t.costUsd;
  }
  summary.averageDurationMs = ended === 0 ? 0 : summary.totalDurationMs / ended;
  return summary;
}
