import type { ResultMessage } from '@ccflow/parser';
import type { TraceModelUsage } from './trace-store.ts';

/**
 * Per model, what a turn used, from the result's `model_usage_since_last_result` (CLI 2.1.3xx): exactly this
 * turn's figures, whose costs add up to the parser's `turnCostUsd`. Undefined when the CLI reports none (older
 * CLIs give only running totals per model, which are not the turn's).
 */
export function turnModelUsage(result: ResultMessage): Record<string, TraceModelUsage> | undefined {
  const since = result.raw.model_usage_since_last_result;
  if (!isRecord(since)) return undefined;
  const out: Record<string, TraceModelUsage> = {};
  for (const [model, e] of Object.entries(since)) {
    if (!isRecord(e)) continue;
    const cacheWriteTokens = count(e.cacheCreationInputTokens);
    out[model] = {
      inputTokens: count(e.inputTokens),
      outputTokens: count(e.outputTokens),
      cacheReadTokens: count(e.cacheReadInputTokens),
      cacheWriteTokens,
      cacheWrite1hTokens: Math.min(count(e.cacheCreationEphemeral1hInputTokens), cacheWriteTokens),
      webSearchRequests: count(e.webSearchRequests),
      costUsd: typeof e.costUSD === 'number' && Number.isFinite(e.costUSD) ? Math.max(0, e.costUSD) : 0,
    };
  }
  return out;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
