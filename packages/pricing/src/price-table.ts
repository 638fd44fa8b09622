import { ConfigurationError, runtimeKey } from '@ccflow/core';
import { UnknownModelError } from './errors.ts';
import { modelKey, normalizeModelName, parseModelId } from './model-id.ts';
import { ModelPricing, type ModelPricingOptions } from './model-pricing.ts';
import { PRICE_TABLE_DATA, type PriceTableData, type RatesData } from './price-table-data.ts';

/** One model of a table. */
export interface PriceTableEntry {
  id: string;
  name: string;
  pricing: ModelPricing;
  /** Anything else the data says: `apiId`, `retired`, `notes`. */
  apiId?: string;
  retired?: string;
  notes?: string;
}

/** A model name resolved against a table. */
export interface ResolvedModel extends PriceTableEntry {
  /** The context-window tag the name carried (`1m` for `sonnet[1m]`); it selects a context size, not a price. */
  contextTag: string | undefined;
}

/** A model to add or replace: its prices, and optionally a display name and more names that mean it. */
export type ModelOverride = (ModelPricingOptions | ModelPricing) & {
  name?: string;
  aliases?: readonly string[];
};

export interface PriceTableOverrides {
  /** Models by id: an id the table has gets new prices, any other id is added. */
  models?: Readonly<Record<string, ModelOverride>>;
  /** Alias → model id (of the table or of `models`). */
  aliases?: Readonly<Record<string, string>>;
  /** The day the overriding prices were checked. Default: kept. */
  date?: string;
  sources?: readonly string[];
}

/**
 * Model prices and how to find them: canonical ids, aliases, and every spelling of a Claude model id (dated
 * snapshots, `[1m]`, Bedrock and Vertex ids, `-fast`, `-latest`) resolve to one entry. Immutable: `extend()` makes
 * a new table. The table ccflow ships is `DEFAULT_PRICE_TABLE`; `runtime.set(PRICE_TABLE, table)` makes another the process-wide one.
 */
export class PriceTable {
  readonly date: string;
  readonly sources: readonly string[];
  readonly notes: readonly string[];
  readonly #entries = new Map<string, PriceTableEntry>();
  /** Exact names (ids, API ids, aliases), normalized → entry id. */
  readonly #names = new Map<string, string>();
  /** Family/version keys → entry id. */
  readonly #keys = new Map<string, string>();
  readonly #aliases: Record<string, string> = {};
  readonly #memo = new Map<string, ResolvedModel | undefined>();

  constructor(data: PriceTableData = PRICE_TABLE_DATA) {
    this.date = data.date;
    this.sources = [...data.sources];
    this.notes = [...data.notes];
    const shared = {
      batchDiscount: data.batchDiscount,
      webSearch: data.webSearch,
      inferenceGeoMultipliers: data.inferenceGeoMultipliers,
    };
    for (const m of data.models) {
      const pricing = new ModelPricing({
        ...init(m.rates),
        ...shared,
        ...(m.longPrompt
          ? { longPrompt: { ...init(m.longPrompt), abovePromptTokens: m.longPrompt.abovePromptTokens } }
          : {}),
        ...(m.fast ? { fast: init(m.fast) } : {}),
      });
      this.#add({
        id: m.id,
        name: m.name,
        pricing,
        ...(m.apiId ? { apiId: m.apiId } : {}),
        ...(m.retired ? { retired: m.retired } : {}),
        ...(m.notes ? { notes: m.notes } : {}),
      });
    }
    for (const [alias, id] of Object.entries(data.aliases)) this.#alias(alias, id);
  }

  /** The canonical ids, in table order. */
  get ids(): string[] {
    return [...this.#entries.keys()];
  }

  get aliases(): Readonly<Record<string, string>> {
    return { ...this.#aliases };
  }

  entries(): PriceTableEntry[] {
    return [...this.#entries.values()];
  }

  /** The entry a model name means, or `undefined` when the table does not know it. */
  resolve(model: string): ResolvedModel | undefined {
    const memo = this.#memo.get(model);
    if (memo !== undefined || this.#memo.has(model)) return memo;
    const resolved = this.#resolve(model);
    // Trackers resolve the same few names over and over; keep what they asked, within bounds.
    if (this.#memo.size >= 1024) this.#memo.clear();
    this.#memo.set(model, resolved);
    return resolved;
  }

  #resolve(model: string): ResolvedModel | undefined {
    const { name, contextTag } = normalizeModelName(model);
    let id = this.#names.get(name);
    if (id === undefined) {
      const parts = parseModelId(name);
      if (parts) id = this.#keys.get(modelKey(parts));
    }
    const entry = id === undefined ? undefined : this.#entries.get(id);
    return entry && Object.freeze({ ...entry, contextTag });
  }

  has(model: string): boolean {
    return this.resolve(model) !== undefined;
  }

  /** The prices of a model; throws `UnknownModelError` for a model the table does not know. */
  pricing(model: string): ModelPricing {
    const entry = this.resolve(model);
    if (!entry) throw new UnknownModelError({ model, tableDate: this.date });
    return entry.pricing;
  }

  /**
   * A new table with models replaced or added and aliases added or repointed. A model named by any spelling the
   * table resolves (`sonnet`, `claude-sonnet-4-5-20250929`) gets new prices under its canonical id; any other name
   * is added as a new model.
   */
  extend(overrides: PriceTableOverrides): PriceTable {
    const next = new PriceTable({
      ...PRICE_TABLE_DATA,
      date: overrides.date ?? this.date,
      sources: [...this.sources, ...(overrides.sources ?? [])],
      notes: this.notes,
      aliases: {},
      models: [],
    });
    for (const [k, v] of this.#entries) next.#entries.set(k, v);
    for (const [k, v] of this.#names) next.#names.set(k, v);
    for (const [k, v] of this.#keys) next.#keys.set(k, v);
    Object.assign(next.#aliases, this.#aliases);
    for (const [model, override] of Object.entries(overrides.models ?? {})) {
      const { name, aliases, ...prices } = override as ModelPricingOptions & {
        name?: string;
        aliases?: string[];
      };
      const pricing = override instanceof ModelPricing ? override : new ModelPricing(prices);
      const existing = next.resolve(model);
      const id = existing?.id ?? normalizeModelName(model).name;
      const entry: PriceTableEntry = existing
        ? { ...existing, pricing }
        : { id, name: name ?? model, pricing };
      if (name !== undefined) entry.name = name;
      delete (entry as Partial<ResolvedModel>).contextTag;
      next.#add(entry);
      for (const alias of aliases ?? []) next.#alias(alias, id);
    }
    for (const [alias, id] of Object.entries(overrides.aliases ?? {})) next.#alias(alias, id);
    return next;
  }

  toJSON(): Record<string, unknown> {
    return {
      date: this.date,
      sources: this.sources,
      aliases: this.aliases,
      models: this.entries().map(({ pricing, ...rest }) => ({ ...rest, ...pricing.toJSON() })),
      notes: this.notes,
    };
  }

  #add(entry: PriceTableEntry): void {
    this.#memo.clear();
    this.#entries.set(entry.id, entry);
    for (const name of [entry.id, entry.apiId]) {
      if (name === undefined) continue;
      const normalized = normalizeModelName(name).name;
      this.#names.set(normalized, entry.id);
      const parts = parseModelId(normalized);
      if (parts) this.#keys.set(modelKey(parts), entry.id);
    }
  }

  #alias(alias: string, id: string): void {
    const target = this.resolve(id);
    if (!target)
      throw new ConfigurationError({
        field: `aliases.${alias}`,
        problem: `names a model the table does not have: ${id}`,
      });
    const name = normalizeModelName(alias).name;
    this.#memo.clear();
    this.#aliases[name] = target.id;
    this.#names.set(name, target.id);
  }
}

function init(rates: RatesData): ModelPricingOptions {
  return {
    input: rates.input,
    output: rates.output,
    cacheWrite: rates.cacheWrite,
    cacheWrite1h: rates.cacheWrite1h,
    cacheRead: rates.cacheRead,
  };
}

/** The table ccflow ships (see `PRICE_TABLE_DATA` for its date and sources). */
export const DEFAULT_PRICE_TABLE = new PriceTable(PRICE_TABLE_DATA);

/**
 * The process-wide table that `calculateCost`, `UsageStats` and the usage tracker price with by default:
 * `DEFAULT_PRICE_TABLE` until set, e.g. `runtime.set(PRICE_TABLE, runtime.get(PRICE_TABLE).extend({...}))`.
 */
export const PRICE_TABLE = runtimeKey<PriceTable>('@ccflow/pricing:priceTable', () => DEFAULT_PRICE_TABLE);
