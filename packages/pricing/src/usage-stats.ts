import { runtime } from '@ccflow/core';
import { UnknownModelError } from './errors.ts';
import { normalizeModelName } from './model-id.ts';
import { checkUsage, type PricingOptions, type TokenUsage, tokenUsage } from './model-pricing.ts';
import { Money } from './money.ts';
import { PRICE_TABLE, type PriceTable } from './price-table.ts';

export interface AddUsageOptions extends PricingOptions, Omit<TokenUsage, 'inputTokens' | 'outputTokens'> {
  /**
   * What the CLI reported these tokens cost (`modelUsage[model].costUSD`). Kept beside ccflow's own figure, and
   * taken as the cost of a model the price table does not know (which is then marked `priced: false`).
   */
  reportedCostUsd?: number;
  /** How many requests the tokens came from. Default 1. */
  requests?: number;
  /**
   * The tokens are a sum over requests of unknown sizes (a CLI result's per-model usage). A long-prompt tier is
   * billed per request, so when the sum crosses one the cost is the reported figure (the CLI priced each request
   * on its own), or without one the standard rates.
   */
  summed?: boolean;
}

/** What one model used. */
export interface ModelUsageStats {
  /** The table's canonical id; for a model the table does not know, the name as given (lower-cased). */
  model: string;
  /** False when the table does not know the model: `cost` is then the CLI's reported figure. */
  priced: boolean;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** All cache writes; `cacheWrite1hTokens` of them with a 1-hour lifetime. */
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  webSearchRequests: number;
  cost: Money;
  /** The sum of the reported costs, when any were given. */
  reportedCost: Money | undefined;
}

export interface ModelUsageDict {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  webSearchRequests: number;
  costUsd: number;
  /** Exact, e.g. `$0.0042`. */
  cost: string;
  reportedCostUsd?: number;
  priced: boolean;
}

export interface UsageStatsDict {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  totalTokens: number;
  requestCount: number;
  totalCostUsd: number;
  /** Exact, e.g. `$1.2345`. */
  totalCost: string;
  /** Models the table does not know, whose cost is the CLI's reported figure. */
  unpricedModels: string[];
  models: Record<string, ModelUsageDict>;
}

/**
 * Usage and cost added up, in total and per model. Costs are exact (`Money`), so the total of many small additions
 * is the cost of their summed tokens. Not thread-bound: one instance can take every agent's usage.
 */
export class UsageStats {
  readonly #prices: PriceTable | undefined;
  readonly #models = new Map<string, ModelUsageStats>();

  /** `prices`: the table to price with; default the process-wide one at each `add`. */
  constructor(options: { prices?: PriceTable } = {}) {
    this.#prices = options.prices;
  }

  /**
   * Adds the tokens of `requests` (default 1) requests to `model` and returns what they cost in USD. An unknown
   * model throws `UnknownModelError`, unless `reportedCostUsd` says what it cost.
   */
  add(model: string, inputTokens: number, outputTokens: number, options: AddUsageOptions = {}): number {
    return this.addUsage(model, tokenUsage(inputTokens, outputTokens, options), options).usd;
  }

  /** `add` with the usage as an object, returning the exact cost. */
  addUsage(model: string, usage: TokenUsage, options: AddUsageOptions = {}): Money {
    const table = this.#prices ?? runtime.get(PRICE_TABLE);
    const entry = table.resolve(model);
    const reported =
      options.reportedCostUsd === undefined ? undefined : Money.nearest(options.reportedCostUsd);
    let cost: Money;
    if (entry) {
      const p = entry.pricing;
      const prompt = usage.inputTokens + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
      const ambiguous = options.summed && p.longPromptAbove !== undefined && prompt > p.longPromptAbove;
      cost =
        ambiguous && reported
          ? reported
          : p.cost(usage, ambiguous ? { ...options, longPrompt: false } : options);
    } else if (reported) {
      checkUsage(usage);
      cost = reported;
    } else throw new UnknownModelError({ model, tableDate: table.date });
    const requests = options.requests ?? 1;
    if (!Number.isSafeInteger(requests) || requests < 0) throw new RangeError(`requests: ${requests}`);

    const key = entry?.id ?? normalizeModelName(model).name;
    const m = this.#models.get(key) ?? empty(key, entry !== undefined);
    m.requests += requests;
    m.inputTokens += usage.inputTokens;
    m.outputTokens += usage.outputTokens;
    m.cacheReadTokens += usage.cacheReadTokens ?? 0;
    m.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    m.cacheWrite1hTokens += usage.cacheWrite1hTokens ?? 0;
    m.webSearchRequests += usage.webSearchRequests ?? 0;
    m.cost = m.cost.plus(cost);
    if (reported) m.reportedCost = (m.reportedCost ?? Money.ZERO).plus(reported);
    this.#models.set(key, m);
    return cost;
  }

  /** Adds everything `other` counted into this one. */
  merge(other: UsageStats): void {
    for (const o of other.#models.values()) {
      const m = this.#models.get(o.model) ?? empty(o.model, o.priced);
      m.requests += o.requests;
      m.inputTokens += o.inputTokens;
      m.outputTokens += o.outputTokens;
      m.cacheReadTokens += o.cacheReadTokens;
      m.cacheWriteTokens += o.cacheWriteTokens;
      m.cacheWrite1hTokens += o.cacheWrite1hTokens;
      m.webSearchRequests += o.webSearchRequests;
      m.cost = m.cost.plus(o.cost);
      if (o.reportedCost) m.reportedCost = (m.reportedCost ?? Money.ZERO).plus(o.reportedCost);
      m.priced &&= o.priced;
      this.#models.set(o.model, m);
    }
  }

  reset(): void {
    this.#models.clear();
  }

  /** Per model, keyed by canonical id. Copies: changing them changes nothing here. */
  get models(): Map<string, ModelUsageStats> {
    return new Map([...this.#models].map(([k, v]) => [k, { ...v }]));
  }

  /** One model's usage, by any name the table resolves. */
  model(name: string): ModelUsageStats | undefined {
    const key = (this.#prices ?? runtime.get(PRICE_TABLE)).resolve(name)?.id ?? normalizeModelName(name).name;
    const m = this.#models.get(key);
    return m && { ...m };
  }

  get requestCount(): number {
    return this.#sum((m) => m.requests);
  }
  get inputTokens(): number {
    return this.#sum((m) => m.inputTokens);
  }
  get outputTokens(): number {
    return this.#sum((m) => m.outputTokens);
  }
  get cacheReadTokens(): number {
    return this.#sum((m) => m.cacheReadTokens);
  }
  get cacheWriteTokens(): number {
    return this.#sum((m) => m.cacheWriteTokens);
  }
  /** Every token billed: input, output, cache reads and cache writes. */
  get totalTokens(): number {
    return this.inputTokens + this.outputTokens + this.cacheReadTokens + this.cacheWriteTokens;
  }
  get totalCost(): Money {
    let total = Money.ZERO;
    for (const m of this.#models.values()) total = total.plus(m.cost);
    return total;
  }
  get totalCostUsd(): number {
    return this.totalCost.usd;
  }

  /** A JSON-safe snapshot. */
  toDict(): UsageStatsDict {
    const models: Record<string, ModelUsageDict> = {};
    for (const m of this.#models.values()) {
      models[m.model] = {
        requests: m.requests,
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        cacheReadTokens: m.cacheReadTokens,
        cacheWriteTokens: m.cacheWriteTokens,
        cacheWrite1hTokens: m.cacheWrite1hTokens,
        webSearchRequests: m.webSearchRequests,
        costUsd: m.cost.usd,
        cost: m.cost.toString(),
        ...(m.reportedCost ? { reportedCostUsd: m.reportedCost.usd } : {}),
        priced: m.priced,
      };
    }
    const total = this.totalCost;
    return {
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      totalTokens: this.totalTokens,
      requestCount: this.requestCount,
      totalCostUsd: total.usd,
      totalCost: total.toString(),
      unpricedModels: [...this.#models.values()].filter((m) => !m.priced).map((m) => m.model),
      models,
    };
  }

  #sum(f: (m: ModelUsageStats) => number): number {
    let n = 0;
    for (const m of this.#models.values()) n += f(m);
    return n;
  }
}

function empty(model: string, priced: boolean): ModelUsageStats {
  return {
    model,
    priced,
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    webSearchRequests: 0,
    cost: Money.ZERO,
    reportedCost: undefined,
  };
}
