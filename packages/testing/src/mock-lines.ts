import { PINNED_CLAUDE_VERSION } from './claude-binary.ts';

/**
 * Raw `stream-json` lines in the shape the real CLI prints them (the pinned version), for scripting a
 * `MockExecutor`. Each builder takes the few fields a test cares about.
 */

export const MOCK_SESSION_ID = '00000000-0000-4000-8000-00000000c0de';

let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

export const mockLines = {
  init(fields: { sessionId?: string; model?: string } = {}) {
    return {
      type: 'system',
      subtype: 'init',
      session_id: fields.sessionId ?? MOCK_SESSION_ID,
      cwd: '/work',
      model: fields.model ?? 'claude-sonnet-mock',
      tools: ['Bash', 'Read'],
      mcp_servers: [],
      permissionMode: 'default',
      apiKeySource: 'ANTHROPIC_API_KEY',
      claude_code_version: PINNED_CLAUDE_VERSION,
      uuid: uuid(),
    };
  },
  text(text: string, fields: { sessionId?: string; messageId?: string } = {}) {
    return assistant({ type: 'text', text }, fields);
  },
  thinking(thinking: string, fields: { sessionId?: string; messageId?: string } = {}) {
    return assistant({ type: 'thinking', thinking, signature: 'c2ln' }, fields);
  },
  toolUse(
    name: string,
    input: Record<string, unknown>,
    fields: { id?: string; sessionId?: string; messageId?: string } = {},
  ) {
    return assistant({ type: 'tool_use', id: fields.id ?? `toolu_${uuid()}`, name, input }, fields);
  },
  toolResult(toolUseId: string, content: string, fields: { isError?: boolean; sessionId?: string } = {}) {
    return {
      type: 'user',
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: toolUseId, content, is_error: fields.isError ?? false },
        ],
      },
      parent_tool_use_id: null,
      session_id: fields.sessionId ?? MOCK_SESSION_ID,
      uuid: uuid(),
      tool_use_result: { stdout: content, stderr: '', interrupted: false },
    };
  },
  result(
    fields: {
      result?: string;
      subtype?: string;
      isError?: boolean;
      sessionId?: string;
      inputTokens?: number;
      outputTokens?: number;
      cacheReadTokens?: number;
      cacheWriteTokens?: number;
      thinkingTokens?: number;
      /** This turn's cost (`model_usage_since_last_result`); default 0.001. */
      costUsd?: number;
      /** The CLI session's running total (`total_cost_usd`); default `costUsd`, as on a session's first turn. */
      totalCostUsd?: number;
      numTurns?: number;
      durationMs?: number;
      apiErrorStatus?: number;
      structuredOutput?: unknown;
      errors?: string[];
      model?: string;
      /** Default `end_turn`, as the CLI prints it after a plain answer. */
      stopReason?: string | null;
    } = {},
  ) {
    return {
      type: 'result',
      subtype: fields.subtype ?? 'success',
      is_error: fields.isError ?? false,
      result: fields.result ?? '',
      session_id: fields.sessionId ?? MOCK_SESSION_ID,
      duration_ms: fields.durationMs ?? 10,
      duration_api_ms: fields.durationMs ?? 10,
      num_turns: fields.numTurns ?? 1,
      total_cost_usd: fields.totalCostUsd ?? fields.costUsd ?? 0.001,
      usage: {
        input_tokens: fields.inputTokens ?? 10,
        output_tokens: fields.outputTokens ?? 5,
        cache_read_input_tokens: fields.cacheReadTokens ?? 0,
        cache_creation_input_tokens: fields.cacheWriteTokens ?? 0,
        output_tokens_details: { thinking_tokens: fields.thinkingTokens ?? 0 },
      },
      modelUsage: {
        [fields.model ?? 'claude-sonnet-mock']: {
          inputTokens: fields.inputTokens ?? 10,
          outputTokens: fields.outputTokens ?? 5,
          costUSD: fields.totalCostUsd ?? fields.costUsd ?? 0.001,
        },
      },
      model_usage_since_last_result: {
        [fields.model ?? 'claude-sonnet-mock']: {
          inputTokens: fields.inputTokens ?? 10,
          outputTokens: fields.outputTokens ?? 5,
          costUSD: fields.costUsd ?? 0.001,
        },
      },
      permission_denials: [],
      api_error_status: fields.apiErrorStatus ?? null,
      stop_reason: fields.stopReason === undefined ? 'end_turn' : fields.stopReason,
      ...(fields.structuredOutput === undefined ? {} : { structured_output: fields.structuredOutput }),
      ...(fields.errors ? { errors: fields.errors } : {}),
      uuid: uuid(),
    };
  },
};

function assistant(block: Record<string, unknown>, fields: { sessionId?: string; messageId?: string }) {
  return {
    type: 'assistant',
    message: {
      id: fields.messageId ?? `msg_${uuid()}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-mock',
      content: [block],
      stop_reason: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
    parent_tool_use_id: null,
    session_id: fields.sessionId ?? MOCK_SESSION_ID,
    uuid: uuid(),
  };
}
