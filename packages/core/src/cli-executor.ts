import { randomUUID } from 'node:crypto';
import { type Message, MessageParser, messagesOf, NdjsonDecoder } from '@ccflow/parser';
import { type Context, context, trace as otelTrace } from '@opentelemetry/api';
import { type CCFlowConfig, CONFIG, loadConfig } from './config.ts';
import { contextAttributes } from './context-block.ts';
import {
  CliExecutionError,
  CliTimeoutError,
  McpServerError,
  ParseError,
  PermissionDeniedError,
} from './errors.ts';
import { CLI_CAPABILITIES, type ExecuteRequest, type Executor } from './executor.ts';
import { failedMcpServers } from './mcp-status.ts';
import { type CliAgentOptions, checkOptionsObject, resolveOptions } from './options.ts';
import { preparePrompt } from './prepare-prompt.ts';
import { runtime } from './runtime.ts';
import { spawnCli } from './spawn-cli.ts';
import type { StderrTail } from './stderr-tail.ts';
import { syntheticResult } from './synthetic-result.ts';

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

const DEFAULT_STOP_GRACE_MS = 3000;
/** `setTimeout` fires at once for anything longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs each prompt in a new Claude Code CLI process (`--print`, stream-json in and out): the prompt goes to stdin as
 * one JSON user line, stdout is parsed as it is read (a slow consumer pauses the CLI), and stdin is closed after the
 * result. Follows the `Executor` contract: see there for how failures end the stream.
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
  readonly #cliPath: string | undefined;
  readonly #env: Record<string, string | undefined>;
  /** `undefined`: the process-wide configuration, read when used (so `runtime.reset(CONFIG)` reaches it). */
  readonly #config: CCFlowConfig | undefined;
  readonly #defaults: CliAgentOptions;
  readonly #graceMs: number;
  readonly #maxLineBytes: number | undefined;

  constructor(options: CliExecutorOptions = {}) {
    this.#cliPath = options.cliPath;
    this.#env = options.env ?? process.env;
    this.#config = options.env === undefined ? undefined : loadConfig(options.env);
    this.#defaults = options.defaultOptions ?? {};
    this.#graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.#maxLineBytes = options.maxLineBytes;
  }

  execute(request: ExecuteRequest): AsyncIterable<Message> {
    // The trace context is taken now: the generator's body runs later, in whatever context calls `next()`.
    return this.#run(request, context.active());
  }

  async *#run(request: ExecuteRequest, ctx: Context): AsyncGenerator<Message> {
    const started = performance.now();
    const options = resolveOptions(this.#merged(request.options));
    const { signal } = request;
    signal?.throwIfAborted();
    const config = this.#config ?? runtime.get(CONFIG);
    const { prompt, encoding } = preparePrompt(request.prompt, options, config.toonEnabled);
    const span = otelTrace.getSpan(ctx);
    if (encoding) span?.setAttributes(contextAttributes(encoding));
    options.model ??= config.defaultModel;
    const timeoutMs = Math.min(options.timeoutMs ?? config.defaultTimeoutMs, MAX_TIMER_MS);
    const { cli, initialize } = await spawnCli({
      options,
      host: request.host,
      cliPath: this.#cliPath,
      env: this.#env,
      config,
      traceContext: ctx,
    });

    const grace = this.#graceMs;
    let failure: { error: unknown } | undefined;
    let resultSeen = false;
    let sessionId: string | undefined;
    let wake: (() => void) | undefined;
    /**
     * Resolves when `fail` is called during the wait it was made for. A new promise per wait: racing reads against
     * one long-lived promise would keep every chunk ever read reachable from its reactions.
     */
    const stopped = () =>
      new Promise<'stopped'>((resolve) => {
        wake = () => resolve('stopped');
      });
    /** Ends the execution with `error`: starts stopping the CLI at once, even while the consumer is busy. */
    const fail = (error: unknown) => {
      if (failure || resultSeen) return;
      failure = { error };
      void cli.stop(grace);
      wake?.();
    };
    const onAbort = () => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const total = setTimeout(
      () =>
        fail(
          new CliTimeoutError({
            message: `claude did not finish within ${timeoutMs} ms`,
            timeoutMs,
            kind: 'total',
          }),
        ),
      timeoutMs,
    );
    const idleMs = options.idleTimeoutMs && Math.min(options.idleTimeoutMs, MAX_TIMER_MS);
    let idle: NodeJS.Timeout | undefined;
    const disarm = () => {
      clearTimeout(total);
      clearTimeout(idle);
      signal?.removeEventListener('abort', onAbort);
    };

    const decoder = new NdjsonDecoder({ maxLineBytes: this.#maxLineBytes });
    const parser = new MessageParser();
    try {
      if (initialize) {
        const request = { subtype: 'initialize', ...initialize };
        cli.writeLine({ type: 'control_request', request_id: randomUUID(), request });
      }
      cli.writeLine({ type: 'user', message: { role: 'user', content: prompt } });
      reading: while (!failure) {
        // Idle time counts only while waiting for the CLI, never while the consumer holds a message.
        if (idleMs) {
          idle = setTimeout(
            () =>
              fail(
                new CliTimeoutError({
                  message: `claude printed nothing for ${idleMs} ms`,
                  timeoutMs: idleMs,
                  kind: 'idle',
                }),
              ),
            idleMs,
          );
        }
        const chunk = await Promise.race([cli.read(), stopped()]);
        wake = undefined;
        clearTimeout(idle);
        if (chunk === 'stopped') break;
        for (const decoded of chunk === undefined ? decoder.end() : decoder.push(chunk)) {
          for (const message of messagesOf(parser, decoded)) {
            if (message.type === 'error' && options.strict) {
              fail(
                new ParseError({
                  message: `claude printed a line that is not a message (line ${message.line}): ${message.message}`,
                  line: message.line,
                  text: message.text,
                }),
              );
              break reading;
            }
            if (message.type === 'system' && message.subtype === 'init') {
              sessionId = message.sessionId;
              const failed = failedMcpServers(message);
              for (const { name, status } of failed) {
                span?.addEvent('ccflow.mcp_server.unavailable', {
                  'ccflow.mcp_server.name': name,
                  'ccflow.mcp_server.status': status,
                });
              }
              // Strict: the init is still yielded (it says which), then the run ends with the error.
              if (failed.length > 0 && options.strictMcp) {
                const which = failed.map((f) => `${f.name} (${f.status})`).join(', ');
                fail(
                  new McpServerError({
                    message: `MCP servers not available: ${which}`,
                    servers: failed,
                    sessionId,
                  }),
                );
              }
            }
            if (message.type === 'unknown' && message.rawType === 'control_response') {
              // The answer to our `initialize`: ours to read, not the caller's.
              const answer = controlError(message.raw);
              if (answer !== undefined) {
                fail(
                  new CliExecutionError({
                    message: `claude refused the initialize request: ${answer}`,
                    sessionId,
                  }),
                );
                break reading;
              }
              continue;
            }
            // Strict: the denial is still yielded, then the run ends with the error.
            if (
              message.type === 'system' &&
              message.subtype === 'permission_denied' &&
              options.strictPermissions
            ) {
              fail(
                new PermissionDeniedError({
                  message: message.message,
                  toolName: message.toolName,
                  toolUseId: message.toolUseId,
                }),
              );
            }
            if (message.type === 'result') {
              resultSeen = true;
              void cli.finish(grace);
            }
            yield message;
            if (resultSeen) return;
            if (failure) break reading;
          }
        }
        if (chunk === undefined) {
          // stdout ended without a result: the CLI is exiting (or has); its exit is the error.
          const exit = await Promise.race([cli.exited, stopped()]);
          wake = undefined;
          if (exit === 'stopped') break;
          disarm();
          await cli.stop(grace); // sweeps what it left running, and collects the rest of stderr
          failure = { error: exitError(exit, cli.stderr, sessionId) };
        }
      }
      await cli.stop(grace);
      const { error } = failure ?? {
        error: new CliExecutionError({ message: 'claude stopped without a result' }),
      };
      yield syntheticResult({
        reason: error instanceof Error ? error.message : String(error),
        sessionId,
        durationMs: Math.round(performance.now() - started),
      });
      throw error;
    } finally {
      disarm();
      await (resultSeen ? cli.finish(grace) : cli.stop(grace));
    }
  }

  #merged(options: CliAgentOptions = {}): CliAgentOptions {
    checkOptionsObject(options);
    const defaults = this.#defaults;
    if (defaults.env === undefined || options.env === undefined) return { ...defaults, ...options };
    return { ...defaults, ...options, env: { ...defaults.env, ...options.env } };
  }
}

function exitError(
  exit: { exitCode: number | null; signal: NodeJS.Signals | null },
  stderr: StderrTail,
  sessionId: string | undefined,
): CliExecutionError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  const last = stderr.lastLine();
  return new CliExecutionError({
    message: `claude ${how} without a result${last ? `: ${last}` : ''}`,
    exitCode: exit.exitCode,
    signal: exit.signal,
    stderr: stderr.text(),
    sessionId,
  });
}

/** The error of a failed control response, or `undefined` when it succeeded. */
function controlError(raw: Record<string, unknown>): string | undefined {
  const response = raw.response as { subtype?: unknown; error?: unknown } | undefined;
  if (response?.subtype !== 'error') return undefined;
  return typeof response.error === 'string' ? response.error : 'no reason given';
}
