/**
 * The price table, as data: every Claude model id that Claude Code 2.1.331 knows a price for, with list prices in
 * US dollars per million tokens (decimal strings, read exactly). Checked on the date below against the CLI's own
 * figures (`test/cli-agreement.cli.test.ts`, `scripts/probe-cli-prices.ts`) and against Anthropic's published
 * prices; `notes` says where the CLI and the list differ and which is right.
 */

export interface RatesData {
  input: string;
  output: string;
  /** 5-minute cache writes. */
  cacheWrite: string;
  cacheWrite1h: string;
  cacheRead: string;
}

export interface ModelPriceData {
  /** The canonical id: the CLI's catalog id, which its `canonicalModel` reports. */
  id: string;
  name: string;
  /** The id the Claude API takes, where it is a dated snapshot rather than `id`. */
  apiId?: string;
  /** When the model was retired on the Claude API, where known (other platforms keep their own schedules). */
  retired?: string;
  rates: RatesData;
  /** Rates for every token of a request whose prompt (input + cache reads + cache writes) is longer. */
  longPrompt?: RatesData & { abovePromptTokens: number };
  /** Fast-mode rates (the API's `speed: "fast"`). */
  fast?: RatesData;
  notes?: string;
}

export interface PriceTableData {
  /** The day the prices were checked. */
  date: string;
  sources: readonly string[];
  /** Fraction off every token in the Message Batches API. */
  batchDiscount: string;
  /** Dollars per web search request. */
  webSearch: string;
  /** Multipliers by where inference ran (`usage.inference_geo`). */
  inferenceGeoMultipliers: Readonly<Record<string, string>>;
  /** Alias → canonical id, as the CLI resolves them. */
  aliases: Readonly<Record<string, string>>;
  models: readonly ModelPriceData[];
  notes: readonly string[];
}

const r = (input: string, output: string, cacheWrite: string, cacheWrite1h: string, cacheRead: string) => ({
  input,
  output,
  cacheWrite,
  cacheWrite1h,
  cacheRead,
});

const HAIKU_3_5 = r('0.8', '4', '1', '1.6', '0.08');
const HAIKU_4_5 = r('1', '5', '1.25', '2', '0.1');
const SONNET_3 = r('3', '15', '3.75', '6', '0.3');
const SONNET_LONG = { abovePromptTokens: 200_000, ...r('6', '22.5', '7.5', '12', '0.6') };
const OPUS_15 = r('15', '75', '18.75', '30', '1.5');
const OPUS_5 = r('5', '25', '6.25', '10', '0.5');
const FAST_30 = r('30', '150', '37.5', '60', '3');
const FAST_10 = r('10', '50', '12.5', '20', '1');
const MYTHOS_10 = r('10', '50', '12.5', '20', '1');
const MYTHOS_10_CR_025 = r('10', '50', '12.5', '20', '0.25');
const MYTHOS_8 = r('8', '40', '10', '16', '0.2');
const FAST_16 = r('16', '80', '20', '32', '0.4');

const SONNET_LONG_NOTE =
  'Above 200k prompt tokens (the 1M context) the list charges $6/$22.50 with caching multipliers on top; the CLI ' +
  'prices every request at $3/$15. The list is right: Anthropic bills Sonnet 4 and 4.5 long-context requests at the ' +
  'premium rates (only the 4.6 models dropped the premium, 2026-03-13), so the CLI under-reports such requests.';

export const PRICE_TABLE_DATA = {
  date: '2026-11-24',
  sources: [
    'Claude Code 2.1.331: its baked model catalog (pricing tiers, aliases, fast-mode rates) read from the binary, ' +
      'and its costUSD for known token counts per model measured against a loopback Messages API ' +
      '(scripts/probe-cli-prices.ts), 2026-11-24',
    'Anthropic pricing page, https://platform.claude.com/docs/en/about-claude/pricing: model prices, prompt-caching ' +
      'multipliers (5-minute writes 1.25x, 1-hour writes 2x, reads 0.1x input unless listed), Batch API 50% off, ' +
      'long-context pricing, data residency (US-only inference 1.1x), web search $10 per 1,000',
    'Anthropic model pages: https://platform.claude.com/docs/en/models/overview (Fable 5.2 $8/$40, Opus 5.5 $4/$20, ' +
      'Sonnet 5.5 $2/$10, Haiku 5.5 from $0.10/$0.50), .../models/sonnet-5/overview (Sonnet 5 $2/$10, writes ' +
      '$2.50/$4, reads $0.20), .../about-claude/models/whats-new-opus-5 (Opus 5 $5/$25, $6.25/$10, $0.50)',
    'Price changes as recorded by public pricing trackers: Sonnet 5.5 cache reads cut from $0.20 to $0.10 on ' +
      '2026-10-07, Haiku 5.5 added with a 100k-prompt tier (kurofune/claudit v1.9.2, TheKrush/PromptFuel v1.0.23); ' +
      'Opus 5.5 reads $0.20 (claudit v1.8.2); Fable 5.2 $8/$40, reads $0.20, writes $10/$16 (archid21/rightsize ' +
      'v0.10.2); Fable 5.1 reads 0.025x (synaps 0.10.2 pricing docs)',
    'Fast mode: Opus 4.6 $30/$150 (Anthropic fast-mode docs), Opus 4.8 $10/$50 (Opus 4.8 release); the other ' +
      'fast-mode rates are the CLI catalog only',
  ],
  batchDiscount: '0.5',
  webSearch: '0.01',
  inferenceGeoMultipliers: { us: '1.1' },
  aliases: {
    sonnet: 'claude-sonnet-5-5',
    opus: 'claude-opus-5-5',
    haiku: 'claude-haiku-5-5',
    fable: 'claude-fable-5-2',
    best: 'claude-opus-5-5',
    default: 'claude-opus-5-5',
    opusplan: 'claude-sonnet-5-5',
  },
  models: [
    {
      id: 'claude-haiku-5-5',
      name: 'Claude Haiku 5.5',
      rates: r('0.1', '0.5', '0.125', '0.2', '0.01'),
      longPrompt: { abovePromptTokens: 100_000, ...r('0.5', '2.5', '0.625', '1', '0.05') },
    },
    {
      id: 'claude-haiku-4-5',
      name: 'Claude Haiku 4.5',
      apiId: 'claude-haiku-4-5-20251001',
      rates: HAIKU_4_5,
    },
    {
      id: 'claude-3-5-haiku',
      name: 'Claude Haiku 3.5',
      apiId: 'claude-3-5-haiku-20241022',
      rates: HAIKU_3_5,
    },
    {
      id: 'claude-sonnet-5-5',
      name: 'Claude Sonnet 5.5',
      rates: r('2', '10', '2.5', '4', '0.1'),
      notes: 'Cache reads $0.10 since 2026-10-07 (were $0.20).',
    },
    { id: 'claude-sonnet-5', name: 'Claude Sonnet 5', rates: r('2', '10', '2.5', '4', '0.2') },
    {
      id: 'claude-sonnet-4-6',
      name: 'Claude Sonnet 4.6',
      rates: SONNET_3,
      notes: 'The 1M context costs the standard rates (no long-context premium since 2026-03-13).',
    },
    {
      id: 'claude-sonnet-4-5',
      name: 'Claude Sonnet 4.5',
      apiId: 'claude-sonnet-4-5-20250929',
      rates: SONNET_3,
      longPrompt: SONNET_LONG,
      notes: SONNET_LONG_NOTE,
    },
    {
      id: 'claude-sonnet-4-0',
      name: 'Claude Sonnet 4',
      apiId: 'claude-sonnet-4-20250514',
      retired: '2026-06-15',
      rates: SONNET_3,
      longPrompt: SONNET_LONG,
      notes: SONNET_LONG_NOTE,
    },
    {
      id: 'claude-3-7-sonnet',
      name: 'Claude Sonnet 3.7',
      apiId: 'claude-3-7-sonnet-20250219',
      rates: SONNET_3,
    },
    {
      id: 'claude-3-5-sonnet',
      name: 'Claude Sonnet 3.5',
      apiId: 'claude-3-5-sonnet-20241022',
      rates: SONNET_3,
    },
    {
      id: 'claude-opus-5-5',
      name: 'Claude Opus 5.5',
      rates: r('4', '20', '5', '8', '0.2'),
      fast: r('8', '40', '10', '16', '0.4'),
    },
    { id: 'claude-opus-5', name: 'Claude Opus 5', rates: OPUS_5, fast: FAST_10 },
    { id: 'claude-opus-4-8', name: 'Claude Opus 4.8', rates: OPUS_5, fast: FAST_10 },
    { id: 'claude-opus-4-7', name: 'Claude Opus 4.7', rates: OPUS_5, fast: FAST_30 },
    { id: 'claude-opus-4-6', name: 'Claude Opus 4.6', rates: OPUS_5, fast: FAST_30 },
    { id: 'claude-opus-4-5', name: 'Claude Opus 4.5', apiId: 'claude-opus-4-5-20251101', rates: OPUS_5 },
    {
      id: 'claude-opus-4-1',
      name: 'Claude Opus 4.1',
      apiId: 'claude-opus-4-1-20250805',
      retired: '2026-08-05',
      rates: OPUS_15,
      notes:
        'Retired on the Claude API, where the CLI runs Claude Opus 5.5 in its place (set_model answers ' +
        'claude-opus-5-5, which the request and modelUsage then name), so its figures there are Opus 5.5 figures. ' +
        'By a Bedrock id the CLI runs it and charges this list price, as ccflow does.',
    },
    {
      id: 'claude-opus-4-0',
      name: 'Claude Opus 4',
      apiId: 'claude-opus-4-20250514',
      retired: '2026-06-15',
      rates: OPUS_15,
      notes: 'As Opus 4.1: the CLI runs Claude Opus 5.5 in its place on the Claude API.',
    },
    { id: 'claude-fable-5-2', name: 'Claude Fable 5.2', rates: MYTHOS_8, fast: FAST_16 },
    { id: 'claude-fable-5-1', name: 'Claude Fable 5.1', rates: MYTHOS_10_CR_025 },
    { id: 'claude-fable-5', name: 'Claude Fable 5', rates: MYTHOS_10 },
    {
      id: 'claude-mythos-5-2',
      name: 'Claude Mythos 5.2',
      rates: MYTHOS_8,
      fast: FAST_16,
      notes: 'Limited release; priced as Fable 5.2 (CLI catalog).',
    },
    {
      id: 'claude-mythos-5-1',
      name: 'Claude Mythos 5.1',
      rates: MYTHOS_10_CR_025,
      notes: 'Limited release; priced as Fable 5.1.',
    },
    {
      id: 'claude-mythos-5',
      name: 'Claude Mythos 5',
      rates: MYTHOS_10,
      notes: 'Limited release; priced as Fable 5.',
    },
  ],
  notes: [
    "Aliases are the CLI's (2.1.331, Claude API). `default` is its default model for API-key users; `opusplan` " +
      'runs Sonnet outside plan mode and Opus in it, and the CLI reports the model each request really ran, so ' +
      'tracking is exact either way. `mythos` is not an alias (the CLI sends it to the API as a model name).',
    'Where the CLI and the list agree (every model below 200k prompt tokens, cache writes of both lifetimes, cache ' +
      "reads, fast mode, Haiku 5.5's long-prompt tier, US-only inference, web searches), the CLI agreement test " +
      'checks ccflow against the CLI to the picodollar.',
    "Unknown models: the CLI prices a model it has no row for at its default model's rates and marks it " +
      'costBasis "unknown" (it does so for claude-3-haiku, claude-3-opus and claude-3-sonnet, all retired, and for ' +
      'any misspelling); ccflow throws UnknownModelError instead of guessing.',
    'Not in the table: Claude 3 Opus, Sonnet and Haiku (retired; Haiku 3 on 2026-04-20) and Claude Mythos Preview ' +
      '(never priced by the CLI). Add them with PriceTable.extend() if you need them.',
    'The reference ccflow (Python) priced haiku, sonnet and opus at $0.80/$4, $3/$15 and $15/$75, the 2024 ' +
      'models; HAIKU_PRICING, SONNET_PRICING and OPUS_PRICING now hold the current models the aliases name.',
  ],
} as const satisfies PriceTableData;
