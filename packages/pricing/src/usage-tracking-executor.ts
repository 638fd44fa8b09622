import { type ExecuteRequest, type Executor, ExecutorDecorator, runtime } from '@ccflow/core';
import type { Message, ResultMessage } from '@ccflow/parser';
import { PRICE_TABLE } from './price-table.ts';
import { ResultUsageReader } from './result-usage.ts';
import { USAGE_INSTRUMENTS, type UsageMetrics } from './usage-metrics.ts';
import type { UsageStats } from './usage-stats.ts';
import { USAGE_TRACKER } from './usage-tracker.ts';

export interface UsageTrackingOptions {
  /** Where token and cost metrics go. Default: the global meter provider's; `false`: none. */
  metrics?: UsageMetrics | false;
}

/**
 * Feeds every `result` of the inner executor into a usage tracker and the token and cost metrics, per model, before
 * passing it on: this is how queries update the process-wide tracker (the `ccflow` package wires it into its
 * default executor; core cannot depend on pricing). Per-model figures come from the result's `modelUsage` as
 * `ResultUsageReader` explains, priced with the ccflow table; the CLI's own figure is kept beside it, and is the
 * cost of a model the table does not know. Tracking never fails a query.
 */
class UsageTrackingExecutor extends ExecutorDecorator {
  readonly #reader = new ResultUsageReader();
  readonly #tracker: UsageStats | undefined;
  readonly #metrics: UsageMetrics | false | undefined;

  constructor(
    inner: Executor,
    /** Default: the process-wide tracker (`USAGE_TRACKER`). */
    tracker?: UsageStats,
    options: UsageTrackingOptions = {},
  ) {
    super(inner);
    this.#tracker = tracker;
    this.#metrics = options.metrics;
  }

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    let initModel: string | undefined;
    for await (const m of this.inner.execute(request)) {
      if (m.type === 'system' && m.subtype === 'init') initModel = m.model;
      else if (m.type === 'result') this.#track(m, request.options?.model, initModel);
      yield m;
    }
  }

  #track(result: ResultMessage, requested: string | undefined, initModel: string | undefined): void {
    try {
      const tracker = this.#tracker ?? runtime.get(USAGE_TRACKER);
      const metrics = this.#metrics === false ? undefined : (this.#metrics ?? runtime.get(USAGE_INSTRUMENTS));
      const table = runtime.get(PRICE_TABLE);
      const usage = typeof result.raw.usage === 'object' && result.raw.usage !== null ? result.raw.usage : {};
      const { speed, inference_geo: inferenceGeo } = usage as { speed?: unknown; inference_geo?: unknown };
      for (const d of this.#reader.read(result, initModel ?? requested)) {
        const model = table.has(d.model) ? d.model : (d.canonicalModel ?? d.model);
        const tokens = {
          inputTokens: d.inputTokens,
          outputTokens: d.outputTokens,
          cacheReadTokens: d.cacheReadTokens,
          cacheWriteTokens: d.cacheWriteTokens,
          cacheWrite1hTokens: d.cacheWrite1hTokens,
          webSearchRequests: d.webSearchRequests,
        };
        const cost = tracker.addUsage(model, tokens, {
          reportedCostUsd: d.reportedCostUsd,
          summed: true,
          ...(typeof speed === 'string' ? { speed } : {}),
          ...(typeof inferenceGeo === 'string' ? { inferenceGeo } : {}),
        });
        // The model asked for, where this usage is that model's (not a subagent's or a helper's on another model).
        const asked = requested !== undefined && table.resolve(requested)?.id === table.resolve(model)?.id;
        metrics?.record({
          requestModel: asked ? requested : d.model,
          responseModel: table.resolve(model)?.id ?? model,
          inputTokens: d.inputTokens + d.cacheReadTokens + d.cacheWriteTokens,
          outputTokens: d.outputTokens,
          cost,
          ...(d.provider ? { provider: d.provider } : {}),
        });
      }
    } catch (error) {
      // A bug in tracking must not cost the caller their answer; say so where Node prints warnings.
      process.emitWarning(`usage tracking failed: ${(error as Error)?.message ?? String(error)}`, {
        code: 'CCFLOW_USAGE_TRACKING',
      });
    }
  }
}

/** Wraps `executor` so that its results update `tracker` (default: the process-wide one) and the usage metrics. */
export function withUsageTracking(
  executor: Executor,
  tracker?: UsageStats,
  options: UsageTrackingOptions = {},
): Executor {
  return new UsageTrackingExecutor(executor, tracker, options);
}
