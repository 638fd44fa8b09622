import { costOf, Money, type TokenUsage } from '@ccflow/pricing';
import type { TraceData, TraceModelUsage } from '@ccflow/tracing';

export const COST_GROUPS = ['model', 'day', 'project', 'session'] as const;
/** What `ccflow cost --by` groups traces by. */
export type CostGroup = (typeof COST_GROUPS)[number];

/** The CLI's figure and the price table's differ when they are further apart than this, in dollars. */
const COST_TOLERANCE_USD = 1e-9;

/** What a set of traces used and cost. */
export interface CostTotals {
  traces: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The sum of the CLI's own figures (each turn's, as it reported it). */
  cliCostUsd: number;
  /** The same tokens priced with ccflow's price table; null when some are of a model the table does not know. */
  priceTableCostUsd: number | null;
  /** The two figures are more than `COST_TOLERANCE_USD` apart (or the table cannot price them). */
  differs: boolean;
}

/** One group's totals: a model, a UTC day (`YYYY-MM-DD`), a project or a session id. */
interface CostRow extends CostTotals {
  key: string;
}

/** What one trace adds to one group: a trace that used several models adds a part to each model. */
interface Part {
  tokens: TokenUsage & Required<Pick<TokenUsage, 'cacheReadTokens' | 'cacheWriteTokens'>>;
  cliCostUsd: number;
  priced: Money | undefined;
}

/** Where traces without a project or a model are counted. */
const NONE = '(none)';

/** The totals of every trace, and per group in `groups`: each trace priced once, whatever the number of groups. */
export interface CostReport<G extends CostGroup> {
  total: CostTotals;
  by: Record<G, CostRow[]>;
}

/**
 * Every trace's totals, priced both ways, and the totals per group of `groups`, largest CLI cost first (then by
 * key). By model, a trace that used several models (its `modelUsage`) counts in each, with what that model used;
 * the rows then add up to the total.
 */
export function costReport<G extends CostGroup>(
  traces: readonly TraceData[],
  groups: readonly G[],
): CostReport<G> {
  const priced = traces.map((t) => ({ t, parts: partsByModel(t) }));
  const total = new Sum();
  for (const { t, parts } of priced)
    total.add(
      t.traceId,
      parts.map(([, p]) => p),
    );
  const by = {} as Record<G, CostRow[]>;
  for (const group of groups) by[group] = costBy(group, priced);
  return { total: total.totals(), by };
}

function costBy(group: CostGroup, priced: readonly { t: TraceData; parts: [string, Part][] }[]): CostRow[] {
  const sums = new Map<string, Sum>();
  const sumOf = (key: string) => {
    const sum = sums.get(key) ?? new Sum();
    sums.set(key, sum);
    return sum;
  };
  for (const { t, parts } of priced) {
    if (group === 'model') {
      for (const [model, part] of parts) sumOf(model).add(t.traceId, [part]);
    } else {
      const key =
        group === 'day'
          ? t.createdAt.toISOString().slice(0, 10)
          : group === 'project'
            ? (t.projectId ?? NONE)
            : t.sessionId;
      sumOf(key).add(
        t.traceId,
        parts.map(([, p]) => p),
      );
    }
  }
  return [...sums]
    .map(([key, sum]) => ({ key, ...sum.totals() }))
    .sort((a, b) => b.cliCostUsd - a.cliCostUsd || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What a trace used per model: its `modelUsage` when the CLI reported it, else its totals under its `model`. */
function partsByModel(t: TraceData): [string, Part][] {
  if (t.modelUsage !== undefined && Object.keys(t.modelUsage).length > 0)
    return Object.entries(t.modelUsage).map(([model, u]) => [model, part(model, u, u.costUsd)]);
  const model = t.model ?? NONE;
  const usage = {
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadTokens: t.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens,
  };
  return [[model, part(t.model, usage, t.costUsd)]];
}

function part(
  model: string | undefined,
  u: Omit<TraceModelUsage, 'costUsd'> | TokenUsage,
  cli: number,
): Part {
  const tokens = {
    inputTokens: u.inputTokens,
    outputTokens: u.outputTokens,
    cacheReadTokens: u.cacheReadTokens ?? 0,
    cacheWriteTokens: u.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: u.cacheWrite1hTokens ?? 0,
    webSearchRequests: u.webSearchRequests ?? 0,
  };
  const empty = Object.values(tokens).every((n) => n === 0);
  // A turn's usage sums its requests, whose prompt lengths are unknown: priced at the standard rates
  // (`longPrompt: false`), never at a long-prompt tier that no single request may have reached.
  const priced = empty
    ? Money.ZERO
    : model === undefined
      ? undefined
      : costOf(model, tokens, { onUnknownModel: 'undefined', longPrompt: false });
  return { tokens, cliCostUsd: cli, priced };
}

/** Adds parts up: the CLI's figures as numbers, the table's exactly (`Money`). */
class Sum {
  readonly #traces = new Set<string>();
  #tokens = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  #cli = 0;
  #priced: Money | undefined = Money.ZERO;

  add(traceId: string, parts: Part[]): void {
    this.#traces.add(traceId);
    for (const p of parts) {
      this.#tokens.inputTokens += p.tokens.inputTokens;
      this.#tokens.outputTokens += p.tokens.outputTokens;
      this.#tokens.cacheReadTokens += p.tokens.cacheReadTokens;
      this.#tokens.cacheWriteTokens += p.tokens.cacheWriteTokens;
      this.#cli += p.cliCostUsd;
      this.#priced =
        this.#priced === undefined || p.priced === undefined ? undefined : this.#priced.plus(p.priced);
    }
  }

  totals(): CostTotals {
    const table = this.#priced?.usd ?? null;
    return {
      traces: this.#traces.size,
      ...this.#tokens,
      cliCostUsd: this.#cli,
      priceTableCostUsd: table,
      differs: table === null || Math.abs(table - this.#cli) > COST_TOLERANCE_USD,
    };
  }
}
