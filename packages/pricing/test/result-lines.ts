/** Raw `result` lines as the CLI (2.1.332) prints them, with the per-model figures a pricing test needs. */

export interface ModelFigures {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  cacheCreationEphemeral1hInputTokens?: number;
  webSearchRequests?: number;
  costUSD: number;
  canonicalModel?: string;
  provider?: string;
}

function modelEntry(f: ModelFigures): Record<string, unknown> {
  return {
    inputTokens: f.inputTokens ?? 0,
    outputTokens: f.outputTokens ?? 0,
    cacheReadInputTokens: f.cacheReadInputTokens ?? 0,
    cacheCreationInputTokens: f.cacheCreationInputTokens ?? 0,
    webSearchRequests: f.webSearchRequests ?? 0,
    costUSD: f.costUSD,
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    thinkingTokens: 0,
    cacheCreationEphemeral5mInputTokens:
      (f.cacheCreationInputTokens ?? 0) - (f.cacheCreationEphemeral1hInputTokens ?? 0),
    cacheCreationEphemeral1hInputTokens: f.cacheCreationEphemeral1hInputTokens ?? 0,
    ...(f.canonicalModel ? { canonicalModel: f.canonicalModel } : {}),
    provider: f.provider ?? 'firstParty',
    costBasis: 'list',
  };
}

export function resultLine(fields: {
  sessionId?: string;
  /** Running totals per model. */
  modelUsage?: Record<string, ModelFigures>;
  /** What this result adds per model; omitted to act as an older CLI. */
  since?: Record<string, ModelFigures>;
  totalCostUsd?: number;
  usage?: Record<string, unknown>;
  synthetic?: boolean;
}): Record<string, unknown> {
  const map = (o: Record<string, ModelFigures>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, modelEntry(v)]));
  return {
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'ok',
    session_id: fields.sessionId ?? 'session-1',
    duration_ms: 10,
    duration_api_ms: 10,
    num_turns: 1,
    total_cost_usd: fields.totalCostUsd ?? 0,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      ...fields.usage,
    },
    modelUsage: fields.modelUsage ? map(fields.modelUsage) : {},
    ...(fields.since ? { model_usage_since_last_result: map(fields.since) } : {}),
    ...(fields.synthetic ? { ccflow_synthetic: true } : {}),
    permission_denials: [],
    uuid: '00000000-0000-4000-8000-000000000001',
  };
}
