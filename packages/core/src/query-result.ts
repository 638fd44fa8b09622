import { collectText, type Message, type RateLimitEventMessage, type ResultMessage } from '@ccflow/parser';
import {
  AbortedError,
  CCFlowError,
  CLIAuthenticationError,
  CLIExecutionError,
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
   * turn ran without their tools. With `strictMcp` the query fails with `MCPServerError` instead.
   */
  unavailableMcpServers: McpServerFailure[];
}

const NO_CONVERSATION = /^No conversation found with session ID: (\S+)/;
const USAGE_LIMIT = /usage limit reached(?:\|(\d{9,}))?|hit your (?:usage )?limit/i;

/**
 * The typed error of a failed result: `CLIAuthenticationError` (401, 403, or the CLI's `authentication_failed`
 * notice when there were no credentials at all), `SessionNotFoundError` (a resume of an id
 * the CLI does not know), `UsageLimitError` (a `rate_limit_event` with status `rejected` before it, or the CLI's
 * usage-limit wording), else `CLIExecutionError` with the result's subtype and API status. `notice` is the
 * `error` of the turn's last assistant line; `rateLimit` the turn's last `rate_limit_event`.
 */
export function errorFromResult(
  result: ResultMessage,
  notice?: string,
  rateLimit?: RateLimitEventMessage,
): CCFlowError {
  const message =
    result.result || result.errors.join('; ') || `the CLI ended the turn with ${result.subtype}`;
  const status = result.apiErrorStatus;
  if (status === 401 || status === 403 || notice === 'authentication_failed') {
    return new CLIAuthenticationError(message);
  }
  // `--resume` of an id the CLI has no transcript for: it ends at once, with this.
  const missing = result.errors.map((e) => NO_CONVERSATION.exec(e)?.[1]).find((id) => id !== undefined);
  if (missing !== undefined) return new SessionNotFoundError(missing);
  if (rateLimit?.status === 'rejected') {
    return new UsageLimitError(message, rateLimit.resetsAtMs, rateLimit.rateLimitType);
  }
  const usage = USAGE_LIMIT.exec(message);
  if (usage) {
    // The CLI's own wording; older versions append the reset time in epoch seconds: `…|1796353145`.
    return new UsageLimitError(message, usage[1] === undefined ? undefined : Number(usage[1]) * 1000);
  }
  return new CLIExecutionError(message, {
    subtype: result.subtype,
    apiErrorStatus: status,
    sessionId: result.sessionId,
  });
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
  let rateLimit: RateLimitEventMessage | undefined;
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
      if (m.type === 'rate_limit_event') rateLimit = m;
      await onMessage?.(m);
    }
  } catch (e) {
    error = toCCFlowError(e);
  }
  if (result?.isError && error === undefined) error = errorFromResult(result, notice, rateLimit);
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
  if (e instanceof Error && e.name === 'AbortError') return new AbortedError(e.message, { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new CLIExecutionError(message, {}, { cause: e });
}
