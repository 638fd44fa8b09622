import { randomUUID } from 'node:crypto';
import { type Message, MessageParser, messagesOf, NdjsonDecoder } from '@ccflow/parser';
import { type Context, context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { CliExecutorOptions } from './cli-executor.ts';
import type { CliProcess } from './cli-process.ts';
import { type CCFlowConfig, CONFIG, loadConfig } from './config.ts';
import type {
  Connection,
  ControlOptions,
  ControlRequest,
  ControlResponse,
  OpenRequest,
  SendInit,
} from './connection.ts';
import type {
  AgentInfo,
  ContextUsage,
  InitializeResponse,
  McpServerStatus,
  ModelInfo,
  RewindFilesResult,
  SlashCommand,
} from './control-protocol.ts';
import {
  CliExecutionError,
  CliTimeoutError,
  ConnectionClosedError,
  ControlRequestError,
  McpServerError,
  ParseError,
  PermissionDeniedError,
} from './errors.ts';
import type { HostRequests } from './host-requests.ts';
import { failedMcpServers } from './mcp-status.ts';
import {
  type CliAgentOptions,
  checkOptionsObject,
  type PermissionMode,
  type ResolvedOptions,
  resolveOptions,
} from './options.ts';
import { preparePrompt } from './prepare-prompt.ts';
import type { Prompt } from './prompt.ts';
import { runtime } from './runtime.ts';
import { spawnCli } from './spawn-cli.ts';
import type { StderrTail } from './stderr-tail.ts';
import { syntheticResult } from './synthetic-result.ts';

/** What `ClaudeConnection.open` takes: the request (options, host, signal) and the settings a `CliExecutor` takes. */
export interface ClaudeConnectionOptions extends OpenRequest, CliExecutorOptions {
  /** The `CCFLOW_*` configuration, when the caller has read it already (else read from `env`, or process-wide). */
  config?: CCFlowConfig;
  /** How long a control request waits for its answer by default. Default 60 s. */
  controlTimeoutMs?: number;
}

const DEFAULT_STOP_GRACE_MS = 3000;
const DEFAULT_CONTROL_TIMEOUT_MS = 60_000;
const TRACER_NAME = '@ccflow/core';

interface PendingControl {
  subtype: string;
  /** Someone awaits the answer, so stdout must be read even when no consumer is. */
  awaited: boolean;
  resolve(response: ControlResponse): void;
  reject(error: unknown): void;
}

/**
 * One long-lived Claude Code CLI (`--input-format stream-json`), spoken to as the Agent SDKs do: user messages in,
 * every message out on one stream, and the control protocol beside them both ways (our requests: `interrupt`,
 * `setModel`...; the CLI's: tool permissions, hook callbacks and in-process MCP servers, answered with the host's
 * callbacks). Started by the one process supervisor (`spawnCli`), so it has the same process-tree hygiene, stderr
 * tail and typed errors as `CliExecutor`, which is one turn on a connection.
 *
 * stdout is read only while someone waits for it (the `messages` consumer, or a control request awaiting its answer),
 * so a slow consumer makes the CLI wait. Per-turn limits (timeouts, abort) belong to `runTurn`.
 */
export class ClaudeConnection implements Connection {
  readonly #cli: CliProcess;
  readonly #host: HostRequests;
  readonly #graceMs: number;
  readonly #controlTimeoutMs: number;
  readonly #strict: { parse: boolean; mcp: boolean; permissions: boolean };
  readonly #toon: ResolvedOptions['toon'];
  readonly #decoder: NdjsonDecoder;
  readonly #parser = new MessageParser();
  readonly #queue: Message[] = [];
  readonly #pending = new Map<string, PendingControl>();
  readonly #incoming = new Map<string, AbortController>();
  readonly #initialization: Promise<InitializeResponse>;
  #sessionId: string | undefined;
  /** Turns sent and not yet ended by a `result`. */
  #openTurns = 0;
  #turnStarted = 0;
  /** The context of the latest `send`: where span events and the host's callbacks of that turn belong. */
  #turnContext: Context;
  #failure: { error: unknown; reported: boolean } | undefined;
  /** stdout has ended: nothing more will be read. */
  #drained = false;
  #ending: Promise<void> | undefined;
  #wakeConsumer: (() => void) | undefined;
  #wakePump: (() => void) | undefined;
  #consumerWaiting = false;
  #exited = false;

  private constructor(
    cli: CliProcess,
    host: HostRequests,
    settings: { graceMs: number; controlTimeoutMs: number; maxLineBytes?: number; ctx: Context },
    strict: { parse: boolean; mcp: boolean; permissions: boolean },
    toon: ResolvedOptions['toon'],
    initialize: Record<string, unknown>,
  ) {
    this.#cli = cli;
    this.#host = host;
    this.#graceMs = settings.graceMs;
    this.#controlTimeoutMs = settings.controlTimeoutMs;
    this.#decoder = new NdjsonDecoder({ maxLineBytes: settings.maxLineBytes });
    this.#strict = strict;
    this.#toon = toon;
    this.#turnContext = settings.ctx;
    this.#initialization = this.#request({ subtype: 'initialize', ...initialize }, {}, false).then(
      (response) => response as InitializeResponse,
      (error: unknown) => {
        if (ControlRequestError.isInstance(error)) {
          this.#fail(
            new CliExecutionError({
              message: `claude refused the initialize request: ${error.message}`,
              sessionId: this.#sessionId,
            }),
          );
        }
        throw error;
      },
    );
    // Read by nobody until someone asks for it; a refusal also fails the connection.
    this.#initialization.catch(() => {});
    void cli.exited.then(() => {
      this.#exited = true;
      this.#wakePump?.();
    });
    void this.#pump();
  }

  /**
   * Starts a CLI for `request.options` (over `defaultOptions`) and sends it `initialize` (with the host's hooks and
   * in-process MCP servers). Resolves once the process runs, without waiting for the CLI's answer
   * (`initializationResult()` has it). Throws `CliNotFoundError` and `ConfigurationError` before anything starts.
   */
  static async open(request: ClaudeConnectionOptions = {}): Promise<ClaudeConnection> {
    request.signal?.throwIfAborted();
    const options = resolveOptions(mergeOptions(request.defaultOptions, request.options));
    const config =
      request.config ?? (request.env === undefined ? runtime.get(CONFIG) : loadConfig(request.env));
    options.model ??= config.defaultModel;
    const ctx = context.active();
    const { cli, initialize, hostRequests } = await spawnCli({
      options,
      host: request.host,
      cliPath: request.cliPath,
      env: request.env ?? process.env,
      config,
      traceContext: ctx,
    });
    const graceMs = request.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    if (request.signal?.aborted) {
      await cli.stop(graceMs);
      request.signal.throwIfAborted();
    }
    return new ClaudeConnection(
      cli,
      hostRequests,
      {
        graceMs,
        controlTimeoutMs: request.controlTimeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS,
        maxLineBytes: request.maxLineBytes,
        ctx,
      },
      { parse: options.strict, mcp: options.strictMcp, permissions: options.strictPermissions ?? false },
      options.toon,
      initialize,
    );
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  get isOpen(): boolean {
    return !this.#failure && !this.#ending && !this.#drained;
  }

  get waitingOnHost(): boolean {
    return this.#incoming.size > 0;
  }

  /** The CLI's process id (its process group leads the whole tree). */
  get pid(): number {
    return this.#cli.pid;
  }

  /** The end of what the CLI wrote to stderr. */
  get stderr(): string {
    return this.#cli.stderr.text();
  }

  /**
   * Sends one user message, with `init.uuid` as its id when given (what `rewindFiles` takes; the CLI then also
   * prints `command_lifecycle` lines about it). Rejects with `ConnectionClosedError` when the connection is closed,
   * `ConfigurationError` for a prompt that is not one.
   */
  async send(prompt: Prompt, init: SendInit = {}): Promise<void> {
    const { prompt: content } = preparePrompt(prompt, { context: undefined, toon: this.#toon }, false);
    if (!this.isOpen) throw this.#closedError('send');
    if (this.#openTurns === 0) this.#turnStarted = performance.now();
    this.#openTurns++;
    this.#turnContext = context.active();
    this.#cli.writeLine({
      type: 'user',
      ...(init.uuid === undefined ? {} : { uuid: init.uuid }),
      session_id: '',
      message: { role: 'user', content },
      parent_tool_use_id: null,
    });
  }

  /**
   * Sends each prompt of `input` as it arrives (each one turn, queued by the CLI behind the running one); resolves
   * when `input` ends. Stops at the signal; rejects when the connection closes first.
   */
  async streamInput(input: AsyncIterable<Prompt> | Iterable<Prompt>, init: { signal?: AbortSignal } = {}) {
    for await (const prompt of input) {
      init.signal?.throwIfAborted();
      await this.send(prompt);
    }
  }

  readonly messages: AsyncIterable<Message> = {
    [Symbol.asyncIterator]: () => ({
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    }),
  };

  async #next(): Promise<IteratorResult<Message>> {
    for (;;) {
      const message = this.#queue.shift();
      if (message) return { done: false, value: message };
      const failure = this.#failure;
      if (failure) {
        if (this.#openTurns > 0) {
          this.#openTurns = 0;
          return { done: false, value: this.#synthetic(failure.error) };
        }
        if (!failure.reported) {
          failure.reported = true;
          throw failure.error;
        }
        return { done: true, value: undefined };
      }
      if (this.#drained) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.#wakeConsumer = resolve;
        this.#consumerWaiting = true;
        this.#wakePump?.();
      });
      this.#consumerWaiting = false;
    }
  }

  #synthetic(error: unknown): Message {
    return syntheticResult({
      reason: error instanceof Error ? error.message : String(error),
      sessionId: this.#sessionId,
      durationMs: Math.round(performance.now() - this.#turnStarted),
    });
  }

  /** Reads stdout while someone waits for it, and routes each line: to the consumer, a pending request, or the host. */
  async #pump(): Promise<void> {
    const cli = this.#cli;
    while (!this.#failure) {
      if (!(this.#consumerWaiting || this.#awaited() || this.#ending || this.#exited)) {
        await new Promise<void>((resolve) => {
          this.#wakePump = resolve;
        });
        this.#wakePump = undefined;
        continue;
      }
      const chunk = await cli.read();
      for (const decoded of chunk === undefined ? this.#decoder.end() : this.#decoder.push(chunk)) {
        for (const message of messagesOf(this.#parser, decoded)) {
          if (this.#failure) break;
          this.#route(message);
        }
      }
      this.#wakeConsumer?.();
      if (chunk === undefined) break;
    }
    if (this.#failure) return;
    // stdout ended: the CLI has exited or is exiting.
    const exit = await cli.exited;
    await cli.stop(this.#graceMs); // sweeps what it left running, and collects the rest of stderr
    this.#drained = true;
    if (this.#ending && this.#openTurns === 0) {
      this.#rejectPending(this.#closedError('answer'));
    } else {
      this.#fail(exitError(exit, cli.stderr, this.#sessionId));
    }
    this.#wakeConsumer?.();
  }

  #route(message: Message): void {
    if (message.type === 'unknown') {
      const raw = message.raw;
      if (message.rawType === 'control_response') {
        this.#settle(raw);
        return;
      }
      if (message.rawType === 'control_request') return void this.#answer(raw);
      if (message.rawType === 'control_cancel_request') {
        this.#incoming.get(String(raw.request_id))?.abort();
        return;
      }
    }
    if (message.type === 'error' && this.#strict.parse) {
      this.#fail(
        new ParseError({
          message: `claude printed a line that is not a message (line ${message.line}): ${message.message}`,
          line: message.line,
          text: message.text,
        }),
      );
      return;
    }
    this.#queue.push(message);
    if (message.type === 'system' && message.subtype === 'init') {
      this.#sessionId = message.sessionId;
      const failed = failedMcpServers(message);
      const span = trace.getSpan(this.#turnContext);
      for (const { name, status } of failed) {
        span?.addEvent('ccflow.mcp_server.unavailable', {
          'ccflow.mcp_server.name': name,
          'ccflow.mcp_server.status': status,
        });
      }
      // Strict: the init is still delivered (it says which), then the connection ends with the error.
      if (failed.length > 0 && this.#strict.mcp) {
        const which = failed.map((f) => `${f.name} (${f.status})`).join(', ');
        this.#fail(
          new McpServerError({
            message: `MCP servers not available: ${which}`,
            servers: failed,
            sessionId: this.#sessionId,
          }),
        );
      }
    } else if (
      message.type === 'system' &&
      message.subtype === 'permission_denied' &&
      this.#strict.permissions
    ) {
      this.#fail(
        new PermissionDeniedError({
          message: message.message,
          toolName: message.toolName,
          toolUseId: message.toolUseId,
        }),
      );
    } else if (message.type === 'result' && this.#openTurns > 0) {
      this.#openTurns--;
    }
  }

  #awaited(): boolean {
    for (const pending of this.#pending.values()) if (pending.awaited) return true;
    return false;
  }

  /** Settles our request that `raw` (a `control_response`) answers. */
  #settle(raw: Record<string, unknown>): void {
    const response = (raw.response ?? {}) as Record<string, unknown>;
    const id = String(response.request_id);
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (response.subtype === 'error') {
      const error = typeof response.error === 'string' ? response.error : 'no reason given';
      const code = typeof response.error_code === 'string' ? response.error_code : undefined;
      pending.reject(
        new ControlRequestError({
          message: `claude refused ${pending.subtype}: ${error}`,
          subtype: pending.subtype,
          errorCode: code,
        }),
      );
    } else {
      pending.resolve((response.response ?? {}) as ControlResponse);
    }
  }

  /** Answers a request of the CLI (`raw` is a `control_request`) with the host's callbacks. */
  async #answer(raw: Record<string, unknown>): Promise<void> {
    const id = String(raw.request_id);
    const request = (raw.request ?? {}) as Record<string, unknown>;
    const cancel = new AbortController();
    this.#incoming.set(id, cancel);
    const answer = await context.with(this.#turnContext, () =>
      this.#host.answer(request, { signal: cancel.signal }),
    );
    this.#incoming.delete(id);
    if (cancel.signal.aborted || !this.isOpen) return;
    this.#cli.writeLine({
      type: 'control_response',
      response:
        'error' in answer
          ? { subtype: 'error', request_id: id, error: answer.error }
          : { subtype: 'success', request_id: id, response: answer.response },
    });
  }

  /** Sends a control request and resolves with its answer (see `Connection.control`). */
  control(request: ControlRequest, init: ControlOptions = {}): Promise<ControlResponse> {
    return this.request(request.subtype, request, init);
  }

  /**
   * Sends any control request the CLI takes, by subtype, for those this class has no method for (the protocol grows
   * faster than any wrapper). A refusal is a `ControlRequestError` (`errorCode: 'unsupported_request'` for a subtype
   * the CLI does not know); no answer within `timeoutMs` a `CliTimeoutError` of kind `control`.
   */
  request(subtype: string, payload: Record<string, unknown> = {}, init: ControlOptions = {}) {
    const tracer = trace.getTracer(TRACER_NAME);
    return tracer.startActiveSpan(`ccflow.control ${subtype}`, async (span) => {
      span.setAttribute('ccflow.control.subtype', subtype);
      try {
        return await this.#request({ ...payload, subtype }, init);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  #request(request: Record<string, unknown> & { subtype: unknown }, init: ControlOptions, awaited = true) {
    const subtype = String(request.subtype);
    if (!this.isOpen) return Promise.reject(this.#closedError(subtype));
    init.signal?.throwIfAborted();
    const timeoutMs = init.timeoutMs ?? this.#controlTimeoutMs;
    const id = randomUUID();
    return new Promise<ControlResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        done();
        reject(
          new CliTimeoutError({
            message: `claude did not answer ${subtype} within ${timeoutMs} ms`,
            timeoutMs,
            kind: 'control',
          }),
        );
      }, timeoutMs);
      const onAbort = () => {
        this.#pending.delete(id);
        done();
        reject(init.signal?.reason);
      };
      const done = () => {
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
      };
      init.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        subtype,
        awaited,
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      this.#cli.writeLine({ type: 'control_request', request_id: id, request });
      this.#wakePump?.();
    });
  }

  /** The CLI's answer to `initialize`: its commands, agents, models and output styles. */
  initializationResult(): Promise<InitializeResponse> {
    for (const pending of this.#pending.values())
      if (pending.subtype === 'initialize') pending.awaited = true;
    this.#wakePump?.();
    return this.#initialization;
  }

  /** Ends the turn in progress early: it ends with its `result` and the connection stays usable. */
  async interrupt(init?: ControlOptions): Promise<void> {
    await this.control({ subtype: 'interrupt' }, init);
  }

  /** The model for the next requests; `undefined` for the default. */
  async setModel(model: string | undefined, init?: ControlOptions): Promise<void> {
    await this.control({ subtype: 'set_model', model }, init);
  }

  async setPermissionMode(mode: PermissionMode, init?: ControlOptions): Promise<void> {
    await this.control({ subtype: 'set_permission_mode', mode }, init);
  }

  /** Caps thinking per request; `null` lifts the cap. */
  async setMaxThinkingTokens(maxThinkingTokens: number | null, init?: ControlOptions): Promise<void> {
    await this.request('set_max_thinking_tokens', { max_thinking_tokens: maxThinkingTokens }, init);
  }

  async mcpServerStatus(init?: ControlOptions): Promise<McpServerStatus[]> {
    const response = await this.request('mcp_status', {}, init);
    return (response.mcpServers ?? []) as McpServerStatus[];
  }

  async supportedCommands(): Promise<SlashCommand[]> {
    return (await this.#initialization).commands ?? [];
  }

  async supportedModels(): Promise<ModelInfo[]> {
    return (await this.#initialization).models ?? [];
  }

  async supportedAgents(): Promise<AgentInfo[]> {
    return (await this.#initialization).agents ?? [];
  }

  async getContextUsage(init?: ControlOptions & { detail?: 'summary' | 'full' }): Promise<ContextUsage> {
    const payload = init?.detail === undefined ? {} : { detail: init.detail };
    return (await this.request('get_context_usage', payload, init)) as unknown as ContextUsage;
  }

  /**
   * Puts the files Claude edited back as they were before `userMessageId` (a user message's `uuid`); needs
   * `enableFileCheckpointing`. With `dryRun`, only says what would change.
   */
  async rewindFiles(
    userMessageId: string,
    init?: ControlOptions & { dryRun?: boolean },
  ): Promise<RewindFilesResult> {
    const payload = { user_message_id: userMessageId, ...(init?.dryRun ? { dry_run: true } : {}) };
    return (await this.request('rewind_files', payload, init)) as unknown as RewindFilesResult;
  }

  /**
   * Ends the CLI: between turns by closing its stdin and letting it exit (then sweeping what its tools left running),
   * mid-turn by the stop ladder, in which case the turn fails with `ConnectionClosedError`. Idempotent.
   */
  close(): Promise<void> {
    if (this.#openTurns > 0 && !this.#failure) {
      this.#fail(new ConnectionClosedError({ message: 'the connection was closed during a turn' }));
    }
    this.#ending ??= (async () => {
      this.#wakePump?.();
      if (this.#failure) await this.#cli.stop(this.#graceMs);
      else await this.#cli.finish(this.#graceMs);
      this.#rejectPending(this.#closedError('answer'));
      for (const cancel of this.#incoming.values()) cancel.abort();
    })();
    return this.#ending;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Ends the connection with `error`: the CLI is stopped at once, even while the consumer is busy. */
  #fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = { error, reported: false };
    this.#rejectPending(error);
    for (const cancel of this.#incoming.values()) cancel.abort();
    void this.#cli.stop(this.#graceMs);
    this.#wakeConsumer?.();
    this.#wakePump?.();
  }

  #rejectPending(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  #closedError(what: string): ConnectionClosedError {
    return new ConnectionClosedError({
      message: `the connection to claude is closed: cannot ${what === 'send' || what === 'answer' ? what : `send ${what}`}`,
      cause: this.#failure?.error,
    });
  }
}

/** `defaults` under `options`, with `env` merged. */
export function mergeOptions(defaults: CliAgentOptions = {}, options: CliAgentOptions = {}): CliAgentOptions {
  checkOptionsObject(options);
  if (defaults.env === undefined || options.env === undefined) return { ...defaults, ...options };
  return { ...defaults, ...options, env: { ...defaults.env, ...options.env } };
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
