import type { ResultMessage } from '@ccflow/parser';

export interface SyntheticResultInit {
  /** Why the turn ended without the CLI's own result. */
  reason: string;
  /** From the CLI's `init` line, when it printed one. */
  sessionId?: string;
  durationMs: number;
}

/**
 * The failed `result` ccflow writes when the CLI ended without one (crash, timeout, abort), so every stream ends
 * with a result. Marked `raw.ccflow_synthetic: true`; usage and cost are zero because nothing was reported.
 */
export function syntheticResult({ reason, sessionId = '', durationMs }: SyntheticResultInit): ResultMessage {
  const subtype = 'error_during_execution';
  return {
    type: 'result',
    sessionId,
    subtype,
    isError: true,
    result: null,
    structuredOutput: undefined,
    errors: [reason],
    durationMs,
    durationApiMs: 0,
    numTurns: 0,
    totalCostUsd: 0,
    turnCostUsd: 0,
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
      thinkingTokens: 0,
    },
    modelUsage: {},
    permissionDenials: [],
    stopReason: null,
    apiErrorStatus: null,
    raw: {
      type: 'result',
      subtype,
      is_error: true,
      session_id: sessionId,
      errors: [reason],
      duration_ms: durationMs,
      ccflow_synthetic: true,
    },
  };
}
