import { collectText, type Message, type ResultMessage } from '@ccflow/parser';
import {
  AbortedError,
  CCFlowError,
  CliAuthenticationError,
  CliExecutionError,
  SessionNotFoundError,
  UsageLimitError,
} from './errors.ts';
import { failedMcpServers, type McpServerFailure } from './mcp-status.ts';

export interface QueryUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  thinkingTokens: number;
}

/** The outcome of one query: what was said, what it cost, and how it ended. */
export interface QueryResult {
  /** The final answer (the result's text; all streamed text when the CLI gave no result). */
  text: string;
  /** The structured output, when the query had a `jsonSchema`. */
  structuredOutput: unknown;
  sessionId: string | undefined;
  usage: QueryUsage;
  /** Input plus output tokens (cache reads and writes are counted apart, in `usage`). */
  totalTokens: number;
  /** What this query's turn cost, as the CLI reports it for the turn (`ResultMessage.turnCostUsd`). */
  costUsd: number;
  /**
   * The CLI's running total for the CLI session after this turn (`total_cost_usd`): with `resume` it includes the
   * earlier turns, and a fork's includes the conversation it branched from.
   */
  sessionCostUsd: number;
  durationMs: number;
  numTurns: number;
  isError: boolean;
  error: CCFlowError | undefined;
  /** The CLI's result message, when there was one. */
  result: ResultMessage | undefined;
  /**
   * MCP servers the CLI could not start, reach or authenticate (its `init` said `failed` or `needs-auth`): the
   * turn ran without their tools. With `strictMcp` the query fails with `McpServerError` instead.
   */
  unavailableMcpServers: McpServerFailure[];
}

const NO_SESSION = /^No conversation found with session ID: (.+)$/;
const NOTHING_TO_CONTINUE = /^No conversation found to continue/;

/**
 * The typed error for a failed result:
 * - `CliAuthenticationError` for a 401/403, or when the CLI's error notice said `authentication_failed` (no
 *   credentials at all: the result then carries no status);
 * - `UsageLimitError` when the account's usage limit stopped the turn (the turn's `rate_limit_event` said
 *   `rejected`, or the result `usage_limit_reached`), with the reset time;
 * - `SessionNotFoundError` when the CLI had no conversation to resume (`--resume <id>`) or continue;
 * - else `CliExecutionError`.
 * `notice` is the `error` of the CLI's API-error `assistant` line of the turn, when there was one.
 */
export function errorFromResult(result: ResultMessage, notice?: string): CCFlowError {
  const message =
    result.result || result.errors.join('; ') || `the CLI ended the turn with ${result.subtype}`;
  const status = result.apiErrorStatus;
  if (status === 401 || status === 403 || notice === 'authentication_failed') {
    return new CliAuthenticationError({ message });
  }
  const details = { subtype: result.subtype, apiErrorStatus: status, sessionId: result.sessionId };
  const limit = result.rateLimit;
  if (result.apiError === 'usage_limit_reached' || limit?.status === 'rejected') {
    return new UsageLimitError({
      message,
      ...details,
      resetsAt: limit?.resetsAt,
      rateLimitType: limit?.rateLimitType,
    });
  }
  for (const error of result.errors) {
    const missing = NO_SESSION.exec(error);
    if (missing) return new SessionNotFoundError({ sessionId: missing[1] as string, message: error });
    if (NOTHING_TO_CONTINUE.test(error)) return new SessionNotFoundError({ sessionId: '', message: error });
  }
  return new CliExecutionError({ message, ...details });
}

/** Runs a message stream to its end and sums it up. Never throws: a failure is a failed `QueryResult`. */
export async function collectQueryResult(
  stream: AsyncIterable<Message>,
  onMessage?: (message: Message) => void | Promise<void>,
): Promise<QueryResult> {
  const started = performance.now();
  const messages: Message[] = [];
  let result: ResultMessage | undefined;
  let sessionId: string | undefined;
  let error: CCFlowError | undefined;
  let notice: string | undefined;
  let unavailableMcpServers: McpServerFailure[] = [];
  try {
    for await (const m of stream) {
      if (m.type === 'text') messages.push(m);
      if (m.type === 'result') result = m;
      if (m.type === 'system' && m.subtype === 'init') {
        sessionId = m.sessionId;
        unavailableMcpServers = failedMcpServers(m);
      }
      if (m.type === 'assistant' && m.error !== undefined) notice = m.error;
      await onMessage?.(m);
    }
  } catch (e) {
    error = toCCFlowError(e);
  }
  if (result?.isError && error === undefined) error = errorFromResult(result, notice);
  const usage: QueryUsage = {
    inputTokens: result?.usage.inputTokens ?? 0,
    outputTokens: result?.usage.outputTokens ?? 0,
    cacheReadTokens: result?.usage.cacheReadInputTokens ?? 0,
    cacheWriteTokens: result?.usage.cacheCreationInputTokens ?? 0,
    thinkingTokens: result?.usage.thinkingTokens ?? 0,
  };
  return {
    text: result?.result ?? collectText(messages),
    structuredOutput: result?.structuredOutput,
    sessionId: result?.sessionId || sessionId,
    usage,
    totalTokens: usage.inputTokens + usage.outputTokens,
    costUsd: result?.turnCostUsd ?? 0,
    sessionCostUsd: result?.totalCostUsd ?? 0,
    durationMs: result?.durationMs || Math.round(performance.now() - started),
    numTurns: result?.numTurns ?? 0,
    isError: error !== undefined,
    error,
    result,
    unavailableMcpServers,
  };
}

/** Errors that are not ccflow's (an abort reason, a bug) are wrapped so `QueryResult.error` is always typed. */
function toCCFlowError(e: unknown): CCFlowError {
  if (CCFlowError.isInstance(e)) return e as CCFlowError;
  if (e instanceof Error && e.name === 'AbortError')
    return new AbortedError({ message: e.message, cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new CliExecutionError({ message, cause: e });
}
