import { runtimeKey } from '@ccflow/core';
import { type Attributes, type Counter, type Histogram, type Meter, metrics } from '@opentelemetry/api';
import type { Money } from './money.ts';

const METER_NAME = '@ccflow/pricing';

/** Metric and attribute names: the GenAI semantic conventions where they exist, ccflow's own for cost. */
export const USAGE_METRICS = {
  /** Histogram of tokens per model per result (`gen_ai.token.type` input or output), unit `{token}`. */
  tokenUsage: 'gen_ai.client.token.usage',
  /** Counter of US dollars, from the ccflow price table. */
  cost: 'ccflow.client.cost',
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  tokenType: 'gen_ai.token.type',
} as const;

/** The GenAI conventions' advised buckets for `gen_ai.client.token.usage`. */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** The CLI's `modelUsage[].provider` → the conventions' `gen_ai.provider.name`. */
const PROVIDERS: Record<string, string> = {
  firstParty: 'anthropic',
  bedrock: 'aws.bedrock',
  vertex: 'gcp.vertex_ai',
  foundry: 'azure.ai.inference',
};

export interface UsageRecord {
  /** The model asked for (an alias or a full id), when known. */
  requestModel?: string;
  /** The model that answered: the table's canonical id where it knows it. */
  responseModel: string;
  /** All input tokens: uncached input, cache reads and cache writes (Anthropic's input is split in three). */
  inputTokens: number;
  outputTokens: number;
  cost: Money;
  /** The CLI's provider name (`firstParty`, `bedrock`, ...). Default `firstParty`. */
  provider?: string;
  /** Default `invoke_agent`: a turn of the Claude Code agent. */
  operation?: string;
}

/**
 * Token and cost metrics through `@opentelemetry/api`: without a registered `MeterProvider` they cost nothing, and
 * exporting them is the application's choice. The instruments are looked up again when the global provider
 * changes, so a provider registered after ccflow was loaded still gets every recording.
 */
export class UsageMetrics {
  readonly #meter: Meter | undefined;
  #instruments: { tokens: Histogram; cost: Counter; source: unknown } | undefined;

  /** `meter`: record through this one; default, the global provider's `@ccflow/pricing` meter. */
  constructor(meter?: Meter) {
    this.#meter = meter;
  }

  record(r: UsageRecord): void {
    const { tokens, cost } = this.#get();
    const attributes: Attributes = {
      [USAGE_METRICS.operation]: r.operation ?? 'invoke_agent',
      [USAGE_METRICS.provider]: PROVIDERS[r.provider ?? 'firstParty'] ?? 'anthropic',
      [USAGE_METRICS.responseModel]: r.responseModel,
      ...(r.requestModel ? { [USAGE_METRICS.requestModel]: r.requestModel } : {}),
    };
    tokens.record(r.inputTokens, { ...attributes, [USAGE_METRICS.tokenType]: 'input' });
    tokens.record(r.outputTokens, { ...attributes, [USAGE_METRICS.tokenType]: 'output' });
    cost.add(r.cost.usd, attributes);
  }

  #get(): { tokens: Histogram; cost: Counter } {
    const source = this.#meter ?? metrics.getMeterProvider();
    if (this.#instruments?.source !== source) {
      const meter = this.#meter ?? metrics.getMeter(METER_NAME);
      this.#instruments = {
        source,
        tokens: meter.createHistogram(USAGE_METRICS.tokenUsage, {
          description: 'Number of input and output tokens used.',
          unit: '{token}',
          advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
        }),
        cost: meter.createCounter(USAGE_METRICS.cost, {
          description: 'Cost of model usage in US dollars, priced with the ccflow price table.',
          unit: '{USD}',
        }),
      };
    }
    return this.#instruments;
  }
}

/** The process-wide instruments, on the global meter provider. */
export const USAGE_INSTRUMENTS = runtimeKey('@ccflow/pricing:usageMetrics', () => new UsageMetrics());
