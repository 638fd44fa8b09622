import { runtime, runtimeKey } from '@ccflow/core';
import { tokenUsage } from './model-pricing.ts';
import { PRICE_TABLE } from './price-table.ts';
import { USAGE_INSTRUMENTS } from './usage-metrics.ts';
import { type AddUsageOptions, UsageStats } from './usage-stats.ts';

/**
 * The process-wide usage: what every query run through a `withUsageTracking` executor (the `ccflow` package's
 * default) and every `trackUsage` call cost, in total and per model. `runtime.get(USAGE_TRACKER).reset()` zeroes it.
 */
export const USAGE_TRACKER = runtimeKey('@ccflow/pricing:usageTracker', () => new UsageStats());

/**
 * Adds one request's usage to the process-wide tracker and to the token and cost metrics; returns its cost in USD.
 * For usage ccflow did not see (a direct API call, another tool). An unknown model throws `UnknownModelError`
 * unless `reportedCostUsd` is given.
 */
export function trackUsage(
  model: string,
  inputTokens: number,
  outputTokens: number,
  options: AddUsageOptions = {},
): number {
  const cost = runtime
    .get(USAGE_TRACKER)
    .addUsage(model, tokenUsage(inputTokens, outputTokens, options), options);
  runtime.get(USAGE_INSTRUMENTS).record({
    requestModel: model,
    responseModel: runtime.get(PRICE_TABLE).resolve(model)?.id ?? model,
    inputTokens: inputTokens + (options.cacheReadTokens ?? 0) + (options.cacheWriteTokens ?? 0),
    outputTokens,
    cost,
  });
  return cost.usd;
}
