import type { ResultMessage } from '@ccflow/parser';

/** What one model used between two results of a CLI process. */
export interface ModelUsageDelta {
  /** The model as the CLI keyed it (the name that was asked for, or the id an alias stands for). */
  model: string;
  /** The id the CLI priced it as (`canonicalModel`), when it says. */
  canonicalModel: string | undefined;
  /** Where the CLI says it ran (`firstParty`, `bedrock`, `vertex`, ...), when it says. */
  provider: string | undefined;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  webSearchRequests: number;
  /** The CLI's cost for these tokens. */
  reportedCostUsd: number;
}

interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  webSearchRequests: number;
  reportedCostUsd: number;
}

const FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite1hTokens',
  'webSearchRequests',
  'reportedCostUsd',
] as const;

/** How many sessions' running totals are remembered. */
const SESSIONS = 1000;

/**
 * Turns `result` messages into per-model usage that can be added up: what each model used for the turn. The CLI's
 * `modelUsage` and `total_cost_usd` are running totals for the CLI session (they carry across `--resume`), while
 * `usage` is the turn's, for all models together. In order of preference:
 *
 * 1. `model_usage_since_last_result` (CLI 2.1.3xx): per model, exactly what this result adds (their sum is the
 *    parser's `ResultMessage.turnCostUsd`, the one definition of a turn's cost).
 *
 * The fallbacks are for older CLIs, and exact only within one process (the first result of a resumed one carries
 * the earlier turns):
 *
 * 2. `modelUsage`, less what the previous result of the same session reported (a running total that went down was
 *    reset, by `/clear` or a new process, and counts whole).
 * 3. `usage` and `total_cost_usd` (older CLIs, or results without per-model figures), for `fallbackModel`.
 *
 * Results ccflow wrote itself for a run that never finished (`raw.ccflow_synthetic`) carry no usage and give none.
 */
export class ResultUsageReader {
  readonly #totals = new Map<string, Map<string, Totals>>();

  read(result: ResultMessage, fallbackModel?: string): ModelUsageDelta[] {
    const raw = result.raw;
    if (raw.ccflow_synthetic) return [];
    const session = result.sessionId;
    const running = entries(result.modelUsage);
    const known = this.#totals.get(session);
    const previous = known && new Map(known);
    this.#remember(session, running);

    const since = raw.model_usage_since_last_result;
    if (isRecord(since))
      return entries(since)
        .map(([model, e]) => delta(model, e, totals(e)))
        .filter(nonEmpty);

    if (running.length > 0) {
      return running
        .map(([model, e]) => {
          const now = totals(e);
          const before = previous?.get(model);
          const diff = before && FIELDS.every((f) => now[f] >= before[f]) ? minus(now, before) : now;
          return delta(model, e, diff);
        })
        .filter(nonEmpty);
    }

    const u = result.usage;
    const usage = isRecord(raw.usage) ? raw.usage : {};
    const cacheCreation = isRecord(usage.cache_creation) ? usage.cache_creation : {};
    const serverTools = isRecord(usage.server_tool_use) ? usage.server_tool_use : {};
    const previousCost = previous?.get('')?.reportedCostUsd;
    this.#remember(session, [['', { costUSD: result.totalCostUsd }]]);
    const cost =
      previousCost !== undefined && result.totalCostUsd >= previousCost
        ? result.totalCostUsd - previousCost
        : result.totalCostUsd;
    const only: ModelUsageDelta = {
      model: fallbackModel ?? 'unknown',
      canonicalModel: undefined,
      provider: undefined,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadInputTokens,
      cacheWriteTokens: u.cacheCreationInputTokens,
      cacheWrite1hTokens: Math.min(
        count(cacheCreation.ephemeral_1h_input_tokens),
        u.cacheCreationInputTokens,
      ),
      webSearchRequests: count(serverTools.web_search_requests),
      reportedCostUsd: cost,
    };
    return nonEmpty(only) ? [only] : [];
  }

  #remember(session: string, running: [string, Record<string, unknown>][]): void {
    if (running.length === 0) return;
    let bySession = this.#totals.get(session);
    if (!bySession) {
      if (this.#totals.size >= SESSIONS) this.#totals.delete(this.#totals.keys().next().value!);
      bySession = new Map();
      this.#totals.set(session, bySession);
    }
    for (const [model, e] of running) bySession.set(model, totals(e));
  }
}

function entries(o: unknown): [string, Record<string, unknown>][] {
  if (!isRecord(o)) return [];
  return Object.entries(o).filter((kv): kv is [string, Record<string, unknown>] => isRecord(kv[1]));
}

function totals(e: Record<string, unknown>): Totals {
  const cacheWriteTokens = count(e.cacheCreationInputTokens);
  return {
    inputTokens: count(e.inputTokens),
    outputTokens: count(e.outputTokens),
    cacheReadTokens: count(e.cacheReadInputTokens),
    cacheWriteTokens,
    cacheWrite1hTokens: Math.min(count(e.cacheCreationEphemeral1hInputTokens), cacheWriteTokens),
    webSearchRequests: count(e.webSearchRequests),
    reportedCostUsd: typeof e.costUSD === 'number' && Number.isFinite(e.costUSD) ? Math.max(0, e.costUSD) : 0,
  };
}

function minus(a: Totals, b: Totals): Totals {
  const out = {} as Totals;
  for (const f of FIELDS) out[f] = a[f] - b[f];
  // Float noise from subtracting running totals: keep the difference to the picodollar.
  out.reportedCostUsd = Math.round(out.reportedCostUsd * 1e12) / 1e12;
  return out;
}

function delta(model: string, e: Record<string, unknown>, t: Totals): ModelUsageDelta {
  return {
    model,
    canonicalModel: typeof e.canonicalModel === 'string' ? e.canonicalModel : undefined,
    provider: typeof e.provider === 'string' ? e.provider : undefined,
    ...t,
  };
}

function nonEmpty(d: ModelUsageDelta): boolean {
  return FIELDS.some((f) => d[f] > 0);
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
