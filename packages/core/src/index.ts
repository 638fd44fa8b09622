export { buildCliArgs, buildCliEnv } from './cli-args.ts';
export { type CCFlowConfig, loadConfig } from './config.ts';
export { getCorrelationId, setCorrelationId, withCorrelationId } from './correlation.ts';
export * from './errors.ts';
export type { ExecuteRequest, Executor } from './executor.ts';
export {
  AgentDefinitionSchema,
  type CLIAgentOptions,
  CLIAgentOptionsSchema,
  EFFORT_LEVELS,
  type EffortLevel,
  type MCPServerConfig,
  MCPServerConfigSchema,
  PERMISSION_MODES,
  type PermissionMode,
  type ResolvedOptions,
  resolveOptions,
  SETTING_SOURCES,
  type SettingSource,
  type ToonConfig,
  ToonConfigSchema,
} from './options.ts';
export { collectQueryResult, errorFromResult, type QueryResult, type QueryUsage } from './query-result.ts';
export { ATTR, TracingExecutor, withTracing } from './tracing-executor.ts';
