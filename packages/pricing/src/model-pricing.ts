import { ConfigurationError } from '@ccflow/core';
import { InvalidUsageError } from './errors.ts';
import { Money, parseDecimal } from './money.ts';

/** A price in US dollars: a number, or a decimal string read exactly (`'3.75'`). */
export type Price = number | string;

/** Token rates in US dollars per million tokens. */
export interface RatesOptions {
  input: Price;
  output: Price;
  /** 5-minute cache writes. Default 1.25 × input, Anthropic's rule. */
  cacheWrite?: Price;
  /** 1-hour cache writes. Default 2 × input. */
  cacheWrite1h?: Price;
  /** Cache reads (hits and refreshes). Default 0.1 × input. */
  cacheRead?: Price;
}

export interface ModelPricingOptions extends RatesOptions {
  /** The fraction taken off every token price in the Message Batches API. Default 0.5. */
  batchDiscount?: Price;
  /** Dollars per web search request. Default 0.01 ($10 per thousand searches). */
  webSearch?: Price;
  /**
   * Rates for every token of a request whose prompt (input, cache reads and cache writes) is longer than
   * `abovePromptTokens`, e.g. Haiku 5.5 above 100k, Sonnet 4.5 with the 1M context above 200k.
   */
  longPrompt?: RatesOptions & { abovePromptTokens: number };
  /** Rates in fast mode (`speed: 'fast'`); a model without them is priced at its standard rates, as the CLI does. */
  fast?: RatesOptions;
  /** Price multipliers by where inference ran (`inferenceGeo`). Default `{ us: 1.1 }` (US-only inference). */
  inferenceGeoMultipliers?: Readonly<Record<string, Price>>;
}

/** The tokens of one request (or a sum of requests; see `longPrompt` for why that can differ). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  /** All cache writes, of either lifetime: the API's `cache_creation_input_tokens`. */
  cacheWriteTokens?: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime; the rest are 5-minute writes. */
  cacheWrite1hTokens?: number;
  webSearchRequests?: number;
}

export interface PricingOptions {
  /** Priced as a Message Batches request: `batchDiscount` off every token. */
  batch?: boolean;
  /** `fast`: the model's fast-mode rates, when it has them (the API's `usage.speed`). */
  speed?: 'standard' | 'fast' | (string & {});
  /** Where inference ran (the API's `usage.inference_geo`); `us` costs 1.1 times. */
  inferenceGeo?: string | null;
  /** `false`: the standard rates whatever the prompt length (for sums of requests, whose tiers are unknown). */
  longPrompt?: boolean;
}

/** Rates in picodollars per token (= microdollars per million tokens). */
interface Rates {
  input: bigint;
  output: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  cacheRead: bigint;
}

type Ratio = readonly [numerator: bigint, denominator: bigint];

const RATE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;
const ONE: Ratio = [1n, 1n];
const DEFAULT_GEO: Readonly<Record<string, Price>> = { us: '1.1' };

/**
 * The prices of one model and what its usage costs, exactly. Rates are dollars per million tokens; costs are
 * computed in integer picodollars (see `Money`), so any sum of costs equals the cost of the summed tokens.
 */
export class ModelPricing {
  readonly #standard: Rates;
  readonly #long: { above: number; rates: Rates } | undefined;
  readonly #fast: Rates | undefined;
  readonly #batch: Ratio;
  readonly #webSearch: bigint;
  readonly #geo: ReadonlyMap<string, Ratio>;
  readonly #effective = new Map<string, Rates>();
  readonly #init: ModelPricingOptions;

  constructor(init: ModelPricingOptions) {
    this.#standard = rates(init, 'rates');
    this.#fast = init.fast ? rates(init.fast, 'fast') : undefined;
    if (init.longPrompt) {
      const above = init.longPrompt.abovePromptTokens;
      if (!Number.isSafeInteger(above) || above < 0) {
        throw new ConfigurationError({
          field: 'longPrompt.abovePromptTokens',
          problem: `not a token count: ${above}`,
        });
      }
      this.#long = { above, rates: rates(init.longPrompt, 'longPrompt') };
    }
    const discount = ratio(init.batchDiscount ?? '0.5', 'batchDiscount');
    if (discount[0] > discount[1])
      throw new ConfigurationError({ field: 'batchDiscount', problem: 'must be at most 1' });
    this.#batch = [discount[1] - discount[0], discount[1]];
    this.#webSearch = picos(init.webSearch ?? '0.01', 'webSearch', 12);
    this.#geo = new Map(
      Object.entries(init.inferenceGeoMultipliers ?? DEFAULT_GEO).map(([geo, m]) => [
        geo,
        ratio(m, `inferenceGeoMultipliers.${geo}`),
      ]),
    );
    this.#init = init;
    // Fail now, not at the first request, when a discount or multiplier lands between picodollars.
    for (const batch of [false, true]) {
      for (const geo of [undefined, ...this.#geo.keys()]) {
        for (const tier of ['standard', 'long', 'fast'] as const)
          this.#rates(tier, { batch, inferenceGeo: geo });
      }
    }
  }

  /** USD per million input tokens (standard rates). */
  get inputPerMillion(): number {
    return perMillion(this.#standard.input);
  }
  get outputPerMillion(): number {
    return perMillion(this.#standard.output);
  }
  /** 5-minute cache writes. */
  get cacheWritePerMillion(): number {
    return perMillion(this.#standard.cacheWrite5m);
  }
  get cacheWrite1hPerMillion(): number {
    return perMillion(this.#standard.cacheWrite1h);
  }
  get cacheReadPerMillion(): number {
    return perMillion(this.#standard.cacheRead);
  }
  get batchDiscount(): number {
    return Number(this.#batch[1] - this.#batch[0]) / Number(this.#batch[1]);
  }
  get hasFastRates(): boolean {
    return this.#fast !== undefined;
  }
  /** The prompt length above which the long-prompt rates apply, when the model has them. */
  get longPromptAbove(): number | undefined {
    return this.#long?.above;
  }

  /** What `tokens` input tokens cost, priced as a request of only those tokens. In USD. */
  inputCost(tokens: number, options: PricingOptions = {}): number {
    return this.cost({ inputTokens: tokens, outputTokens: 0 }, options).usd;
  }

  /** What `tokens` output tokens cost at the standard (short-prompt) rates. In USD. */
  outputCost(tokens: number, options: PricingOptions = {}): number {
    return this.cost({ inputTokens: 0, outputTokens: tokens }, options).usd;
  }

  /** What one request costs, in USD. */
  totalCost(
    inputTokens: number,
    outputTokens: number,
    options: PricingOptions & Omit<TokenUsage, 'inputTokens' | 'outputTokens'> = {},
  ): number {
    return this.cost(tokenUsage(inputTokens, outputTokens, options), options).usd;
  }

  /**
   * What one request costs, exactly. The tier is chosen as the API bills: fast-mode rates when `speed` is `fast`
   * and the model has them, else long-prompt rates when the prompt is longer than the threshold, else standard;
   * then the batch discount and the inference-region multiplier apply to every token. Web searches are added at
   * their own price.
   */
  cost(usage: TokenUsage, options: PricingOptions = {}): Money {
    checkUsage(usage);
    const input = usage.inputTokens;
    const output = usage.outputTokens;
    const cacheRead = usage.cacheReadTokens ?? 0;
    const cacheWrite = usage.cacheWriteTokens ?? 0;
    const cacheWrite1h = usage.cacheWrite1hTokens ?? 0;
    const searches = usage.webSearchRequests ?? 0;
    const tier =
      options.speed === 'fast' && this.#fast
        ? 'fast'
        : this.#long && options.longPrompt !== false && input + cacheRead + cacheWrite > this.#long.above
          ? 'long'
          : 'standard';
    const r = this.#rates(tier, options);
    const picodollars =
      BigInt(input) * r.input +
      BigInt(output) * r.output +
      BigInt(cacheRead) * r.cacheRead +
      BigInt(cacheWrite - cacheWrite1h) * r.cacheWrite5m +
      BigInt(cacheWrite1h) * r.cacheWrite1h +
      BigInt(searches) * this.#webSearch;
    return Money.fromPicodollars(picodollars);
  }

  /** The prices as given, with defaults filled in, as exact decimal strings (USD per million tokens). */
  toJSON(): Record<string, unknown> {
    const show = (r: Rates) => ({
      input: decimal(r.input, 6),
      output: decimal(r.output, 6),
      cacheWrite: decimal(r.cacheWrite5m, 6),
      cacheWrite1h: decimal(r.cacheWrite1h, 6),
      cacheRead: decimal(r.cacheRead, 6),
    });
    return {
      ...show(this.#standard),
      batchDiscount: String(this.#init.batchDiscount ?? '0.5'),
      webSearch: decimal(this.#webSearch, 12),
      ...(this.#long
        ? { longPrompt: { abovePromptTokens: this.#long.above, ...show(this.#long.rates) } }
        : {}),
      ...(this.#fast ? { fast: show(this.#fast) } : {}),
      inferenceGeoMultipliers: Object.fromEntries(
        Object.entries(this.#init.inferenceGeoMultipliers ?? DEFAULT_GEO).map(([k, v]) => [k, String(v)]),
      ),
    };
  }

  #rates(tier: 'standard' | 'long' | 'fast', options: PricingOptions): Rates {
    if (tier === 'standard' && !options.batch && !options.inferenceGeo) return this.#standard;
    const base =
      (tier === 'fast' ? this.#fast : tier === 'long' ? this.#long?.rates : undefined) ?? this.#standard;
    const geo = (options.inferenceGeo && this.#geo.get(options.inferenceGeo)) || ONE;
    const batch = options.batch ? this.#batch : ONE;
    const key = `${tier}|${options.batch ? 1 : 0}|${geo === ONE ? '' : options.inferenceGeo}`;
    let r = this.#effective.get(key);
    if (!r) {
      const num = batch[0] * geo[0];
      const den = batch[1] * geo[1];
      const scaled = {} as Rates;
      for (const f of RATE_FIELDS) {
        if ((base[f] * num) % den !== 0n) {
          throw new ConfigurationError({
            field: options.batch ? 'batchDiscount' : `inferenceGeoMultipliers.${options.inferenceGeo}`,
            problem:
              `the ${tier} ${f} rate ${decimal(base[f], 6)} $/MTok times ${decimal((num * 10n ** 9n) / den, 9)} ` +
              'is finer than a picodollar per token',
          });
        }
        scaled[f] = (base[f] * num) / den;
      }
      r = scaled;
      this.#effective.set(key, r);
    }
    return r;
  }
}

function rates(init: RatesOptions, field: string): Rates {
  const input = picos(init.input, `${field}.input`);
  const derived = (value: Price | undefined, name: string, times: Ratio) => {
    if (value !== undefined) return picos(value, `${field}.${name}`);
    if ((input * times[0]) % times[1] !== 0n) {
      throw new ConfigurationError({
        field: `${field}.${name}`,
        problem: 'give it: the default multiple of input is not exact',
      });
    }
    return (input * times[0]) / times[1];
  };
  return {
    input,
    output: picos(init.output, `${field}.output`),
    cacheWrite5m: derived(init.cacheWrite, 'cacheWrite', [5n, 4n]),
    cacheWrite1h: derived(init.cacheWrite1h, 'cacheWrite1h', [2n, 1n]),
    cacheRead: derived(init.cacheRead, 'cacheRead', [1n, 10n]),
  };
}

/** Dollars per million tokens → picodollars per token (scale 6); or dollars → picodollars (scale 12). */
function picos(value: Price, field: string, scale = 6): bigint {
  const p = parseDecimal(value, scale);
  if (p === undefined) {
    throw new ConfigurationError({
      field,
      problem: `${JSON.stringify(value)} is not a non-negative price to ${scale === 6 ? 'the microdollar per million tokens' : 'the picodollar'}`,
    });
  }
  return p;
}

function ratio(value: Price, field: string): Ratio {
  const n = parseDecimal(value, 9);
  if (n === undefined)
    throw new ConfigurationError({ field, problem: `${JSON.stringify(value)} is not a decimal fraction` });
  return [n, 1_000_000_000n];
}

/**
 * `TokenUsage` from input and output counts and an options object that may carry the other counts. Built field by
 * field: an object literal that starts with a spread is slow on Node 20, and trackers build many.
 */
export function tokenUsage(
  inputTokens: number,
  outputTokens: number,
  more: Omit<TokenUsage, 'inputTokens' | 'outputTokens'> = {},
): TokenUsage {
  return {
    inputTokens,
    outputTokens,
    cacheReadTokens: more.cacheReadTokens,
    cacheWriteTokens: more.cacheWriteTokens,
    cacheWrite1hTokens: more.cacheWrite1hTokens,
    webSearchRequests: more.webSearchRequests,
  };
}

/** Throws `InvalidUsageError` unless every count is a non-negative integer and the 1-hour writes fit in the writes. */
export function checkUsage(usage: TokenUsage): void {
  for (const field of USAGE_FIELDS) {
    const n = usage[field] ?? 0;
    if (!Number.isSafeInteger(n) || n < 0)
      throw new InvalidUsageError({ field, problem: `not a token count: ${n}` });
  }
  const writes = usage.cacheWriteTokens ?? 0;
  if ((usage.cacheWrite1hTokens ?? 0) > writes) {
    throw new InvalidUsageError({
      field: 'cacheWrite1hTokens',
      problem: `${usage.cacheWrite1hTokens} 1-hour cache writes is more than the ${writes} cache writes in all`,
    });
  }
}

const USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite1hTokens',
  'webSearchRequests',
] as const;

function perMillion(picosPerToken: bigint): number {
  return Number(picosPerToken) / 1e6;
}

function decimal(value: bigint, scale: number): string {
  const s = value.toString().padStart(scale + 1, '0');
  const fraction = s.slice(s.length - scale).replace(/0+$/, '');
  return fraction ? `${s.slice(0, s.length - scale)}.${fraction}` : s.slice(0, s.length - scale);
}
