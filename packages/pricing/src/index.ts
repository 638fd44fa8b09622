export { type CostOptions, calculateCost, costOf } from './calculate-cost.ts';
export { InvalidUsageError, type PricingErrorCode, UnknownModelError } from './errors.ts';
export { HAIKU_PRICING, OPUS_PRICING, SONNET_PRICING } from './family-pricing.ts';
export { type ModelIdParts, modelKey, normalizeModelName, parseModelId } from './model-id.ts';
export {
  checkUsage,
  ModelPricing,
  type ModelPricingOptions,
  type Price,
  type PricingOptions,
  type RatesOptions,
  type TokenUsage,
  tokenUsage,
} from './model-pricing.ts';
export { Money } from './money.ts';
export {
  DEFAULT_PRICE_TABLE,
  type ModelOverride,
  PRICE_TABLE,
  PriceTable,
  type PriceTableEntry,
  type PriceTableOverrides,
  type ResolvedModel,
} from './price-table.ts';
export {
  type ModelPriceData,
  PRICE_TABLE_DATA,
  type PriceTableData,
  type RatesData,
} from './price-table-data.ts';
export { type ModelUsageDelta, ResultUsageReader } from './result-usage.ts';
export { USAGE_INSTRUMENTS, USAGE_METRICS, UsageMetrics, type UsageRecord } from './usage-metrics.ts';
export {
  type AddUsageOptions,
  type ModelUsageDict,
  type ModelUsageStats,
  UsageStats,
  type UsageStatsDict,
} from './usage-stats.ts';
export { trackUsage, USAGE_TRACKER } from './usage-tracker.ts';
export {
  type UsageTrackingOptions,
  withUsageTracking,
} from './usage-tracking-executor.ts';
