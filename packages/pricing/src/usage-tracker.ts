import { tokenUsage } from './model-pricing.ts';
import { getPriceTable } from './price-table.ts';
import { getUsageMetrics } from './usage-metrics.ts';
import { type AddUsageOptions, UsageStats } from './usage-stats.ts';

let tracker: UsageStats | undefined;

/**
 * The process-wide usage: what every query run through a `withUsageTracking` executor (the `ccflow` package's
 * default) and every `trackUsage` call cost, in total and per model.
 */
export function getUsageTracker(): UsageStats {
  tracker ??= new UsageStats();
  return tracker;
}

/** Zeroes the process-wide usage. The tracker stays the same object, so references to it see the reset. */
export function resetUsageTracker(): void {
  tracker?.reset();
}

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
  const cost = getUsageTracker().addUsage(model, tokenUsage(inputTokens, outputTokens, options), options);
  getUsageMetrics().record({
    requestModel: model,
    responseModel: getPriceTable().resolve(model)?.id ?? model,
    inputTokens: inputTokens + (options.cacheReadTokens ?? 0) + (options.cacheWriteTokens ?? 0),
    outputTokens,
    cost,
  });
  return cost.usd;
}
