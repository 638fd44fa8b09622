import { DEFAULT_PRICE_TABLE } from './price-table.ts';

/**
 * The prices of the models the CLI's family aliases name today (`haiku`, `sonnet`, `opus`). The reference ccflow
 * held the 2024 models here ($0.80/$4, $3/$15, $15/$75); these are the table's current entries: Haiku 5.5,
 * Sonnet 5.5 and Opus 5.5 as of the table's date.
 */
export const HAIKU_PRICING = DEFAULT_PRICE_TABLE.pricing('haiku');
export const SONNET_PRICING = DEFAULT_PRICE_TABLE.pricing('sonnet');
export const OPUS_PRICING = DEFAULT_PRICE_TABLE.pricing('opus');
