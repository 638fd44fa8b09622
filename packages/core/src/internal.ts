/**
 * Building blocks for ccflow's own packages and for authors of executors, decorators and stores that work as ccflow's
 * do. Versioned with the rest of ccflow (one release line), but not part of the API most code needs: import from
 * `@ccflow/core` first.
 */
export { mergeOptions } from './claude-connection.ts';
export { buildCliEnv, buildCliLaunch, type CliLaunch } from './cli-args.ts';
export { contextAttributes } from './context-block.ts';
export { type ExecuteOnProviderOptions, executeOnProvider } from './execute-on-provider.ts';
export { iterateInContext } from './iterate-in-context.ts';
export { failedMcpServers } from './mcp-status.ts';
export { withoutRemovedOptions } from './options.ts';
export { preparePrompt } from './prepare-prompt.ts';
export { PrivateFiles, type SecretFiles } from './private-files.ts';
export { checkPrompt } from './prompt.ts';
export { type SpawnCliRequest, type SpawnedCli, spawnCli } from './spawn-cli.ts';
export { type SyntheticResultInit, syntheticResult } from './synthetic-result.ts';
/** The span attribute names ccflow writes (OpenTelemetry GenAI conventions and `ccflow.*`). */
export { ATTR, TracingExecutor } from './tracing-executor.ts';
