import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Context } from '@opentelemetry/api';
import { buildCliEnv, buildCliLaunch, type CliLaunch } from './cli-args.ts';
import { CliProcess } from './cli-process.ts';
import type { CCFlowConfig } from './config.ts';
import { ConfigurationError } from './errors.ts';
import type { ExecutionHost } from './executor.ts';
import { findCli } from './find-cli.ts';
import { HostRequests } from './host-requests.ts';
import type { ResolvedOptions } from './options.ts';
import { PrivateFiles } from './private-files.ts';
import { Redactor } from './redaction.ts';
import { traceEnv } from './trace-env.ts';

/**
 * The environment variable that carries each execution's id into the CLI and everything it starts, so the processes
 * it leaves behind can be found even after they were reparented.
 */
export const EXECUTION_ID_ENV = 'CCFLOW_EXECUTION_ID';

export interface SpawnCliRequest {
  /** Resolved options, with defaults applied (`model` from the configuration included). */
  options: ResolvedOptions;
  host?: ExecutionHost;
  /** The CLI to run when `options.cliPath` does not say; else found (see `findCli`). */
  cliPath?: string;
  /** The environment the CLI's is built from (see `buildCliEnv`). */
  env: Record<string, string | undefined>;
  config: CCFlowConfig;
  /** The trace context the CLI joins (`TRACEPARENT`), when it exports telemetry. */
  traceContext: Context;
}

/** A started CLI, what must be sent first on its stdin, and who answers its requests to us. */
export interface SpawnedCli {
  cli: CliProcess;
  /** The fields of the `initialize` control request: the options' (see `CliLaunch`) and the host's. */
  initialize: Record<string, unknown>;
  /** Answers the CLI's `can_use_tool`, `hook_callback` and `mcp_message` requests with `request.host`. */
  hostRequests: HostRequests;
}

/**
 * Starts the CLI for `request` under the one process supervisor (`CliProcess`): found, checked, given its argv, its
 * environment (with an execution id marking its whole tree, and the trace context) and its private files (secrets
 * never go on argv), in its own process group, ended with its tree however it ends. Every way of running the CLI
 * (one turn, a live connection) starts it here.
 *
 * Throws `CliNotFoundError` and `ConfigurationError` (a `cwd` that is not a directory, options the CLI cannot take)
 * before anything starts, and `CliExecutionError` when the process cannot be started.
 */
export async function spawnCli(request: SpawnCliRequest): Promise<SpawnedCli> {
  const { options, config } = request;
  const cliPath = findCli({ cliPath: options.cliPath ?? request.cliPath, env: request.env, config });
  if (options.cwd !== undefined && !isDirectory(options.cwd)) {
    throw new ConfigurationError({ field: 'cwd', problem: `${options.cwd} is not a directory` });
  }
  for (const name of Object.keys(request.host?.mcpServers ?? {})) {
    if (options.mcpServers !== undefined && Object.hasOwn(options.mcpServers, name)) {
      throw new ConfigurationError({
        field: `mcpServers.${name}`,
        problem: 'names a server that host.mcpServers also runs in process: give each server one name',
      });
    }
  }
  const marker = { name: EXECUTION_ID_ENV, value: randomUUID() };
  const env = buildCliEnv(options, request.env);
  const trace = traceEnv(request.traceContext);
  if (trace) {
    delete env.TRACESTATE;
    Object.assign(env, trace);
  }
  env[marker.name] = marker.value;
  const files = new PrivateFiles();
  let launch: CliLaunch;
  let hostRequests: HostRequests;
  try {
    launch = buildCliLaunch(options, files);
    hostRequests = new HostRequests(request.host, { redactor: new Redactor(options, request.env) });
  } catch (error) {
    files.remove();
    throw error;
  }
  const cli = await CliProcess.start(cliPath, [...launch.args, ...hostRequests.launch.args], {
    env,
    cwd: options.cwd,
    onStderr: request.host?.onStderr,
    marker,
    files,
  });
  return { cli, initialize: { ...launch.initialize, ...hostRequests.launch.initialize }, hostRequests };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
