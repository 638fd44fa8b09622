import type { Message } from '@ccflow/parser';
import { CliConnectionProvider } from './cli-connection-provider.ts';
import { type CCFlowConfig, loadConfig } from './config.ts';
import { executeOnProvider } from './execute-on-provider.ts';
import { CLI_CAPABILITIES, type ExecuteRequest, type Executor } from './executor.ts';
import type { CliAgentOptions } from './options.ts';

export interface CliExecutorOptions {
  /** The CLI to run. Default: found on each execution (`options.cliPath`, `CCFLOW_CLAUDE_CLI_PATH`, `PATH`, package). */
  cliPath?: string;
  /**
   * The environment the CLI's is built from (see `buildCliEnv`), and the `CCFLOW_*` configuration, read from it
   * once. Default `process.env`, with the process-wide configuration (`runtime.get(CONFIG)`).
   */
  env?: Record<string, string | undefined>;
  /** Options under every request's own (`env` is merged). */
  defaultOptions?: CliAgentOptions;
  /** How long a stopped CLI gets to end by itself after SIGINT before SIGTERM, then SIGKILL. Default 3000 ms. */
  stopGraceMs?: number;
  /** Longest stdout line parsed, in bytes; a longer one becomes a `line_too_long` error message. Default 64 MiB. */
  maxLineBytes?: number;
}

/**
 * Runs each prompt in a new Claude Code CLI process: one turn (`executeOnProvider`) on a connection from a
 * `CliConnectionProvider`, closed after the result (stdin closed, the CLI exits, what its tools left running is
 * swept). stdout is parsed as it is read (a slow consumer pauses the CLI), and the host's callbacks (`canUseTool`,
 * hooks, in-process MCP servers) answer the
 * CLI's requests. Follows the `Executor` contract: see there for how failures end the stream.
 *
 * Limits: `timeoutMs` (wall clock, default `CCFLOW_DEFAULT_TIMEOUT`), `idleTimeoutMs` (no stdout for that long while
 * waiting for it; off by default: a tool or a long thought may legitimately be silent for minutes). Stopping, for a
 * limit, an abort or a consumer leaving the loop, ends the CLI's whole process tree (see `stopTree`).
 *
 * The prompt is sent with `options.context` attached (see `preparePrompt`); a blank one is refused before anything
 * starts. An MCP server the CLI's `init` reports `failed` or `needs-auth` is a `ccflow.mcp_server.unavailable` event
 * on the execution span; with `strictMcp` it also ends the run with `McpServerError`. With `strictPermissions`, a
 * tool call the CLI refuses (its `permission_denied` notice) ends the run with `PermissionDeniedError`.
 */
export class CliExecutor implements Executor {
  readonly specificationVersion = 'v1';
  readonly capabilities = CLI_CAPABILITIES;
  readonly #defaults: CliAgentOptions | undefined;
  /** `undefined`: the process-wide configuration, read when used (so `runtime.reset(CONFIG)` reaches it). */
  readonly #config: CCFlowConfig | undefined;
  readonly #provider: CliConnectionProvider;

  constructor(settings: CliExecutorOptions = {}) {
    this.#defaults = settings.defaultOptions;
    this.#config = settings.env === undefined ? undefined : loadConfig(settings.env);
    this.#provider = new CliConnectionProvider({ ...settings, config: this.#config });
  }

  execute(request: ExecuteRequest): AsyncIterable<Message> {
    return executeOnProvider(this.#provider, request, {
      defaultOptions: this.#defaults,
      config: this.#config,
    });
  }
}
