import { z } from 'zod';

/**
 * The messages of a Claude Code `stream-json` transcript.
 *
 * Two levels, one stream:
 * - **Line-level** messages are one per NDJSON line the CLI printed (`system`, `assistant`, `user`, `stream_event`,
 *   `result`, `rate_limit_event`, `tool_progress`, `tool_use_summary`, `auth_status`), each keeping the whole line
 *   as `raw` so no field the CLI adds is lost.
 * - **Block-level views** (`text`, `thinking`, `tool_use`, `tool_result`, `stop`) follow the line they were derived
 *   from. Every piece of text and thinking appears in exactly one view: from `stream_event` deltas when the CLI
 *   streamed partial messages for that API message, else from the `assistant` line. Print `text` views to show text
 *   as it streams; read `assistant` lines for whole blocks. Never both.
 */

const looseRecord = z.record(z.string(), z.unknown());
const lineIds = {
  sessionId: z.string().optional(),
  uuid: z.string().optional(),
};

export const UsageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheCreationInputTokens: z.number(),
  cacheReadInputTokens: z.number(),
  /** Thinking tokens, when the API reported them (a part of `outputTokens`). */
  thinkingTokens: z.number(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** A content block as the Messages API defines it; unknown block types keep all their fields. */
export const ContentBlockSchema = z.union([
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.unknown(),
    is_error: z.boolean().optional(),
  }),
  z.looseObject({ type: z.string() }),
]);
export type ContentBlock = z.infer<typeof ContentBlockSchema>;

// ---- line-level: system ----

export const InitMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('init'),
  ...lineIds,
  sessionId: z.string(),
  cwd: z.string(),
  model: z.string(),
  tools: z.array(z.string()),
  mcpServers: z.array(z.looseObject({ name: z.string(), status: z.string().optional() })),
  permissionMode: z.string(),
  apiKeySource: z.string().optional(),
  claudeCodeVersion: z.string().optional(),
  agents: z.array(z.string()).optional(),
  slashCommands: z.array(z.string()).optional(),
  skills: z.array(z.string()).optional(),
  outputStyle: z.string().optional(),
  raw: looseRecord,
});
export type InitMessage = z.infer<typeof InitMessageSchema>;

export const StatusMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('status'),
  ...lineIds,
  status: z.string().nullable(),
  raw: looseRecord,
});
export type StatusMessage = z.infer<typeof StatusMessageSchema>;

/** The CLI retrying an API call itself; one per attempt. */
export const ApiRetryMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('api_retry'),
  ...lineIds,
  attempt: z.number(),
  maxRetries: z.number(),
  retryDelayMs: z.number(),
  errorStatus: z.number().nullable(),
  error: z.string(),
  raw: looseRecord,
});
export type ApiRetryMessage = z.infer<typeof ApiRetryMessageSchema>;

/** The CLI's running estimate of thinking tokens while a thinking block streams. */
export const ThinkingTokensMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('thinking_tokens'),
  ...lineIds,
  estimatedTokens: z.number(),
  estimatedTokensDelta: z.number(),
  raw: looseRecord,
});
export type ThinkingTokensMessage = z.infer<typeof ThinkingTokensMessageSchema>;

export const PermissionDeniedMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('permission_denied'),
  ...lineIds,
  toolName: z.string(),
  toolUseId: z.string(),
  message: z.string(),
  raw: looseRecord,
});
export type PermissionDeniedMessage = z.infer<typeof PermissionDeniedMessageSchema>;

export const HOOK_SUBTYPES = ['hook_started', 'hook_progress', 'hook_response'] as const;

/** A hook lifecycle event (printed with `--include-hook-events`). */
export const HookMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.enum(HOOK_SUBTYPES),
  ...lineIds,
  hookId: z.string(),
  hookName: z.string(),
  hookEvent: z.string(),
  outcome: z.string().optional(),
  exitCode: z.number().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  raw: looseRecord,
});
export type HookMessage = z.infer<typeof HookMessageSchema>;

/** The CLI compacted the conversation (`/compact`, or automatically near the context limit). */
export const CompactBoundaryMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('compact_boundary'),
  ...lineIds,
  /** `manual` or `auto`. */
  trigger: z.string(),
  /** Context tokens before and (when the CLI says) after compacting. */
  preTokens: z.number(),
  postTokens: z.number().optional(),
  raw: looseRecord,
});
export type CompactBoundaryMessage = z.infer<typeof CompactBoundaryMessageSchema>;

export const TASK_SUBTYPES = ['task_started', 'task_progress', 'task_updated', 'task_notification'] as const;

/**
 * A background task (a subagent, a backgrounded shell) starting, progressing, changing or ending. `status` is the
 * notification's (`completed`, `failed`, `stopped`) or the update's new status.
 */
export const TaskMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.enum(TASK_SUBTYPES),
  ...lineIds,
  taskId: z.string(),
  toolUseId: z.string().optional(),
  description: z.string().optional(),
  status: z.string().optional(),
  summary: z.string().optional(),
  raw: looseRecord,
});
export type TaskMessage = z.infer<typeof TaskMessageSchema>;

/** The set of running background tasks changed; `tasks` is the new set. */
export const BackgroundTasksChangedMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('background_tasks_changed'),
  ...lineIds,
  tasks: z.array(z.object({ taskId: z.string(), taskType: z.string(), description: z.string() })),
  raw: looseRecord,
});
export type BackgroundTasksChangedMessage = z.infer<typeof BackgroundTasksChangedMessageSchema>;

/** A notice the CLI shows the user (`level`: `info`, `notice`, `suggestion`, `warning`). */
export const InformationalMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('informational'),
  ...lineIds,
  content: z.string(),
  level: z.string(),
  toolUseId: z.string().optional(),
  raw: looseRecord,
});
export type InformationalMessage = z.infer<typeof InformationalMessageSchema>;

/** A notification the CLI raises (`priority`: `low`, `medium`, `high`, `immediate`). */
export const NotificationMessageSchema = z.object({
  type: z.literal('system'),
  subtype: z.literal('notification'),
  ...lineIds,
  key: z.string(),
  text: z.string(),
  priority: z.string(),
  raw: looseRecord,
});
export type NotificationMessage = z.infer<typeof NotificationMessageSchema>;

/** A `system` line of a subtype this version of the parser does not know. */
export const UnknownSystemMessageSchema = z.object({
  type: z.literal('unknown_system'),
  subtype: z.string(),
  ...lineIds,
  raw: looseRecord,
});
export type UnknownSystemMessage = z.infer<typeof UnknownSystemMessageSchema>;

// ---- line-level: conversation ----

export const AssistantMessageSchema = z.object({
  type: z.literal('assistant'),
  ...lineIds,
  /** The API message id; the CLI prints one line per content block, all sharing it. */
  messageId: z.string(),
  model: z.string(),
  content: z.array(ContentBlockSchema),
  /** Null on these lines: the CLI prints them before the API message ends (see `StopMessage`). */
  stopReason: z.string().nullable(),
  /** Partial usage at the time the line was printed; totals come from the result. */
  usage: looseRecord,
  parentToolUseId: z.string().nullable(),
  /** The text of this line's text blocks. */
  textContent: z.string(),
  /** Set on the synthetic message the CLI prints for an API error (e.g. `authentication_failed`). */
  error: z.string().optional(),
  raw: looseRecord,
});
export type AssistantMessage = z.infer<typeof AssistantMessageSchema>;

export const UserMessageSchema = z.object({
  type: z.literal('user'),
  ...lineIds,
  content: z.union([z.string(), z.array(ContentBlockSchema)]),
  /** The tool's structured result (e.g. Bash's stdout, stderr, interrupted). */
  toolUseResult: z.unknown(),
  parentToolUseId: z.string().nullable(),
  /** A message the CLI wrote itself, not the user. */
  isSynthetic: z.boolean(),
  /** The CLI echoing a user message it was given (`--replay-user-messages`), not a new one. */
  isReplay: z.boolean(),
  raw: looseRecord,
});
export type UserMessage = z.infer<typeof UserMessageSchema>;

/** What the API's rate limiter said of the account, as the CLI reports it (subscription and gateway logins). */
export const RateLimitInfoSchema = z.object({
  /** `allowed`, `allowed_warning` or `rejected`. */
  status: z.string(),
  /** When the limit resets, in ms since the epoch (the CLI prints seconds). */
  resetsAt: z.number().optional(),
  /** Which limit: `five_hour`, `seven_day`, `overage`, ... */
  rateLimitType: z.string().optional(),
  /** How much of it is used, 0 to 1, when the CLI says. */
  utilization: z.number().optional(),
  isUsingOverage: z.boolean().optional(),
});
export type RateLimitInfo = z.infer<typeof RateLimitInfoSchema>;

/** The account's rate-limit status changed (status `rejected`: a usage limit stops the turn until `resetsAt`). */
export const RateLimitEventMessageSchema = z.object({
  type: z.literal('rate_limit_event'),
  ...lineIds,
  ...RateLimitInfoSchema.shape,
  raw: looseRecord,
});
export type RateLimitEventMessage = z.infer<typeof RateLimitEventMessageSchema>;

/** A tool still running: the CLI's heartbeat for long tool calls. */
export const ToolProgressMessageSchema = z.object({
  type: z.literal('tool_progress'),
  ...lineIds,
  toolUseId: z.string(),
  toolName: z.string(),
  parentToolUseId: z.string().nullable(),
  /** Time since the tool started, in ms (the CLI prints seconds). */
  elapsedMs: z.number(),
  taskId: z.string().optional(),
  raw: looseRecord,
});
export type ToolProgressMessage = z.infer<typeof ToolProgressMessageSchema>;

/** The CLI's one-line summary of the tool calls it lists. */
export const ToolUseSummaryMessageSchema = z.object({
  type: z.literal('tool_use_summary'),
  ...lineIds,
  summary: z.string(),
  precedingToolUseIds: z.array(z.string()),
  raw: looseRecord,
});
export type ToolUseSummaryMessage = z.infer<typeof ToolUseSummaryMessageSchema>;

/** The CLI signing in (or failing to) during the run. */
export const AuthStatusMessageSchema = z.object({
  type: z.literal('auth_status'),
  ...lineIds,
  isAuthenticating: z.boolean(),
  output: z.array(z.string()),
  error: z.string().optional(),
  raw: looseRecord,
});
export type AuthStatusMessage = z.infer<typeof AuthStatusMessageSchema>;

/** A raw Messages API streaming event (with `--include-partial-messages`). */
export const StreamEventMessageSchema = z.object({
  type: z.literal('stream_event'),
  ...lineIds,
  event: z.looseObject({ type: z.string() }),
  messageId: z.string().optional(),
  parentToolUseId: z.string().nullable(),
  raw: looseRecord,
});
export type StreamEventMessage = z.infer<typeof StreamEventMessageSchema>;

export const RESULT_SUBTYPES = [
  'success',
  'error_max_turns',
  'error_max_budget_usd',
  'error_during_execution',
  'error_max_structured_output_retries',
] as const;

/** A tool call the CLI refused for want of permission. */
export const PermissionDenialSchema = z.object({
  toolName: z.string(),
  toolUseId: z.string(),
  toolInput: looseRecord,
});
export type PermissionDenial = z.infer<typeof PermissionDenialSchema>;

export const ResultMessageSchema = z.object({
  type: z.literal('result'),
  ...lineIds,
  sessionId: z.string(),
  /** One of {@link RESULT_SUBTYPES}, or a newer one. */
  subtype: z.string(),
  /** True when the turn failed, including API errors, which the CLI reports with subtype `success`. */
  isError: z.boolean(),
  result: z.string().nullable(),
  structuredOutput: z.unknown(),
  errors: z.array(z.string()),
  durationMs: z.number(),
  durationApiMs: z.number(),
  numTurns: z.number(),
  /**
   * The CLI's running total for the CLI session, not this turn's: it carries across `--resume` and `--continue`,
   * and a fork's starts from the total of the conversation it branched from.
   */
  totalCostUsd: z.number(),
  /**
   * This turn's cost: the sum of what the CLI reports for the turn (`model_usage_since_last_result`, CLI 2.1.3xx).
   * A CLI that reports no per-turn figure gives `totalCostUsd`, which is then exact only for a session's first turn.
   */
  turnCostUsd: z.number(),
  /** This turn's tokens. */
  usage: UsageSchema,
  /** Per model, as the CLI reports it: running totals for the CLI session, as `totalCostUsd`, with `costUSD`. */
  modelUsage: z.record(z.string(), looseRecord),
  permissionDenials: z.array(PermissionDenialSchema),
  stopReason: z.string().nullable(),
  apiErrorStatus: z.number().nullable(),
  /** The kind of API error that ended the turn, when the CLI names one (e.g. `usage_limit_reached`). */
  apiError: z.string().optional(),
  /** Why the turn ended: `completed`, `max_turns`, `api_error`, `budget_exhausted`, ... */
  terminalReason: z.string().optional(),
  /** Time to the first token of the turn, in ms. */
  ttftMs: z.number().optional(),
  /** The last `rate_limit_event` of the turn, so a usage-limit failure carries its reset time. */
  rateLimit: RateLimitInfoSchema.optional(),
  raw: looseRecord,
});
export type ResultMessage = z.infer<typeof ResultMessageSchema>;

// ---- block-level views ----

const viewIds = {
  ...lineIds,
  /** The API message the view belongs to. */
  messageId: z.string().optional(),
  parentToolUseId: z.string().nullable(),
};

export const TextMessageSchema = z.object({
  type: z.literal('text'),
  ...viewIds,
  content: z.string(),
  /** A streamed delta (from a `stream_event`) rather than a whole block. */
  partial: z.boolean(),
});
export type TextMessage = z.infer<typeof TextMessageSchema>;

export const ThinkingMessageSchema = z.object({
  type: z.literal('thinking'),
  ...viewIds,
  content: z.string(),
  /** Present on whole blocks; streamed deltas carry no signature. */
  signature: z.string().optional(),
  partial: z.boolean(),
});
export type ThinkingMessage = z.infer<typeof ThinkingMessageSchema>;

export const ToolUseMessageSchema = z.object({
  type: z.literal('tool_use'),
  ...viewIds,
  toolUseId: z.string(),
  tool: z.string(),
  args: z.unknown(),
});
export type ToolUseMessage = z.infer<typeof ToolUseMessageSchema>;

export const ToolResultMessageSchema = z.object({
  type: z.literal('tool_result'),
  ...viewIds,
  toolUseId: z.string(),
  /** The tool's name, from the matching `tool_use` when it was seen. */
  tool: z.string().optional(),
  /** The result as text. */
  result: z.string(),
  isError: z.boolean(),
  /** The CLI's structured tool result, when it gave one. */
  structured: z.unknown(),
});
export type ToolResultMessage = z.infer<typeof ToolResultMessageSchema>;

/** The end of one API message: its stop reason and final usage (from a streamed `message_delta`). */
export const StopMessageSchema = z.object({
  type: z.literal('stop'),
  ...viewIds,
  stopReason: z.string().nullable(),
  usage: looseRecord,
});
export type StopMessage = z.infer<typeof StopMessageSchema>;

// ---- what could not be read ----

export const PARSE_ERROR_CODES = [
  'invalid_json',
  'line_too_long',
  'invalid_message',
  'invalid_chunk',
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

/**
 * A line that is not a message: not JSON, over the length cap, or JSON of the wrong shape; or a chunk of the
 * source that is not text or bytes (`invalid_chunk`, with the chunk as `raw`).
 */
export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  code: z.enum(PARSE_ERROR_CODES),
  message: z.string(),
  /** 1-based line number in the stream. */
  line: z.number(),
  /** The line's text (its start only, when over the cap). */
  text: z.string(),
  /** The line's length in bytes. */
  bytes: z.number(),
  raw: z.unknown(),
});
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;

/** A JSON object line of a `type` this version of the parser does not know. */
export const UnknownMessageSchema = z.object({
  type: z.literal('unknown'),
  ...lineIds,
  rawType: z.string().optional(),
  raw: looseRecord,
});
export type UnknownMessage = z.infer<typeof UnknownMessageSchema>;

export const SystemMessageSchema = z.union([
  InitMessageSchema,
  StatusMessageSchema,
  ApiRetryMessageSchema,
  ThinkingTokensMessageSchema,
  PermissionDeniedMessageSchema,
  HookMessageSchema,
  CompactBoundaryMessageSchema,
  TaskMessageSchema,
  BackgroundTasksChangedMessageSchema,
  InformationalMessageSchema,
  NotificationMessageSchema,
]);
export type SystemMessage = z.infer<typeof SystemMessageSchema>;

export const MessageSchema = z.union([
  SystemMessageSchema,
  UnknownSystemMessageSchema,
  AssistantMessageSchema,
  UserMessageSchema,
  StreamEventMessageSchema,
  ResultMessageSchema,
  RateLimitEventMessageSchema,
  ToolProgressMessageSchema,
  ToolUseSummaryMessageSchema,
  AuthStatusMessageSchema,
  TextMessageSchema,
  ThinkingMessageSchema,
  ToolUseMessageSchema,
  ToolResultMessageSchema,
  StopMessageSchema,
  ErrorMessageSchema,
  UnknownMessageSchema,
]);
export type Message = z.infer<typeof MessageSchema>;

/** The messages printed as lines by the CLI, as opposed to views derived from them. */
export type LineMessage =
  | SystemMessage
  | UnknownSystemMessage
  | AssistantMessage
  | UserMessage
  | StreamEventMessage
  | ResultMessage
  | RateLimitEventMessage
  | ToolProgressMessage
  | ToolUseSummaryMessage
  | AuthStatusMessage
  | ErrorMessage
  | UnknownMessage;

/** Views derived from lines: each piece of content appears in exactly one of them. */
export type BlockMessage = TextMessage | ThinkingMessage | ToolUseMessage | ToolResultMessage | StopMessage;
