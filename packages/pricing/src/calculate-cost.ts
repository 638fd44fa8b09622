import { runtime } from '@ccflow/core';
import { UnknownModelError } from './errors.ts';
import { type PricingOptions, type TokenUsage, tokenUsage } from './model-pricing.ts';
import type { Money } from './money.ts';
import { PRICE_TABLE, type PriceTable } from './price-table.ts';

export interface CostOptions extends PricingOptions, Omit<TokenUsage, 'inputTokens' | 'outputTokens'> {
  /** The table to price with. Default: the process-wide one (`PRICE_TABLE`). */
  prices?: PriceTable;
  /** What an unknown model gives: `throw` (default, an `UnknownModelError`) or `undefined`. */
  onUnknownModel?: 'throw' | 'undefined';
}

/**
 * What one request to `model` costs, in US dollars, from the price table: input and output tokens, plus cache
 * reads, cache writes (`cacheWriteTokens` is all of them, `cacheWrite1hTokens` the part with a 1-hour lifetime),
 * web searches, the batch discount, fast mode and the inference region, as the API bills them. The same figure as
 * the Claude Code CLI's `costUSD` for the same tokens. An unknown model throws `UnknownModelError`, or gives
 * `undefined` with `onUnknownModel: 'undefined'`.
 */
export function calculateCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  options?: CostOptions & { onUnknownModel?: 'throw' },
): number;
export function calculateCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  options: CostOptions & { onUnknownModel: 'undefined' },
): number | undefined;
export function calculateCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  options?: CostOptions,
): number | undefined;
export function calculateCost(
  model: string,
  inputTokens: number,
  outputTokens: number,
  options: CostOptions = {},
): number | undefined {
  return costOf(model, tokenUsage(inputTokens, outputTokens, options), options)?.usd;
}

/** `calculateCost` as an exact amount (`Money`): for sums, comparisons and formatting without rounding. */
export function costOf(
  model: string,
  usage: TokenUsage,
  options?: CostOptions & { onUnknownModel?: 'throw' },
): Money;
export function costOf(
  model: string,
  usage: TokenUsage,
  options: CostOptions & { onUnknownModel: 'undefined' },
): Money | undefined;
export function costOf(model: string, usage: TokenUsage, options?: CostOptions): Money | undefined;
export function costOf(model: string, usage: TokenUsage, options: CostOptions = {}): Money | undefined {
  const table = options.prices ?? runtime.get(PRICE_TABLE);
  const entry = table.resolve(model);
  if (!entry) {
    if (options.onUnknownModel === 'undefined') return undefined;
    throw new UnknownModelError({ model, tableDate: table.date });
  }
  return entry.pricing.cost(usage, options);
}
