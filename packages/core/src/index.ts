export { ClaudeConnection, type ClaudeConnectionOptions } from './claude-connection.ts';
export { CliConnectionProvider, type CliConnectionProviderOptions } from './cli-connection-provider.ts';
export { CliExecutor, type CliExecutorOptions } from './cli-executor.ts';
export { type CCFlowConfig, CONFIG, loadConfig } from './config.ts';
export type {
  Connection,
  ConnectionLease,
  ConnectionProvider,
  ConnectionSpecificationVersion,
  ControlOptions,
  ControlRequest,
  ControlResponse,
  OpenRequest,
} from './connection.ts';
export {
  type ContextEncoding,
  type ContextFormat,
  type DecodedContext,
  decodeContextBlock,
  withContext,
} from './context-block.ts';
export type {
  AgentInfo,
  ContextUsage,
  InitializeResponse,
  McpServerStatus,
  ModelInfo,
  RewindFilesResult,
  SlashCommand,
} from './control-protocol.ts';
export { getCorrelationId, setCorrelationId, withCorrelationId } from './correlation.ts';
export { EXECUTOR, EXECUTOR_FACTORY } from './default-executor.ts';
export * from './errors.ts';
export {
  CLI_CAPABILITIES,
  type ExecuteRequest,
  type ExecutionHost,
  type Executor,
  type ExecutorCapabilities,
  ExecutorDecorator,
  type ExecutorSpecificationVersion,
} from './executor.ts';
export { type FindCliOptions, findCli } from './find-cli.ts';
export {
  type BaseHookInput,
  DEFAULT_HOOK_TIMEOUT_MS,
  HOOK_EVENTS,
  type HookCallback,
  type HookEvent,
  type HookInput,
  type HookInputOf,
  type HookMatcher,
  type HookMatchers,
  type HookOutput,
  type HookPermissionDecision,
  type HookSpecificOutput,
  type KnownHookInputs,
  type McpServerProvenance,
} from './hooks.ts';
export { HOST_SPAN } from './host-requests.ts';
export type { InProcessMcpServer, JsonRpcMessage } from './in-process-mcp.ts';
export type { McpServerFailure } from './mcp-status.ts';
export {
  AgentDefinitionSchema,
  type CliAgentOptions,
  CliAgentOptionsSchema,
  EFFORT_LEVELS,
  type EffortLevel,
  type McpServerConfig,
  McpServerConfigSchema,
  PERMISSION_MODES,
  type PermissionMode,
  type ResolvedOptions,
  resolveOptions,
  SESSION_CONTROL_OPTIONS,
  SETTING_SOURCES,
  type SettingSource,
  type StorableOptions,
  StorableOptionsSchema,
  type ToonConfig,
  ToonConfigSchema,
} from './options.ts';
export {
  type CanUseTool,
  type CanUseToolContext,
  DEFAULT_CAN_USE_TOOL_TIMEOUT_MS,
  type PermissionResult,
  PermissionResultSchema,
  type PermissionRuleValue,
  type PermissionUpdate,
  type PermissionUpdateDestination,
  PermissionUpdateSchema,
} from './permissions.ts';
export {
  type ImageInput,
  type Prompt,
  promptText,
  type TextInput,
  type UserContentBlock,
} from './prompt.ts';
export {
  type BatchOptions,
  batchQuery,
  type QueryOptions,
  query,
  querySimple,
  streamToCallback,
} from './query.ts';
export { collectQueryResult, errorFromResult, type QueryResult, type QueryUsage } from './query-result.ts';
export {
  MAX_DEPTH,
  MIN_SECRET_LENGTH,
  REDACTED,
  type RedactionConfig,
  RedactionConfigSchema,
  Redactor,
  TOO_DEEP,
} from './redaction.ts';
export { type Runtime, type RuntimeKey, runtime, runtimeKey } from './runtime.ts';
export { EXECUTION_ID_ENV } from './spawn-cli.ts';
export { withTracing } from './tracing-executor.ts';
export { runTurn, type TurnRequest } from './turn.ts';
