import { type Attributes, context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ConfigurationError, type HostCallbackError } from './errors.ts';
import type { ExecutionHost } from './executor.ts';
import {
  DEFAULT_HOOK_TIMEOUT_MS,
  HOOK_EVENTS,
  type HookCallback,
  type HookEvent,
  type HookInput,
  type HookOutput,
  hookOutputSchema,
} from './hooks.ts';
import { callHostCallback } from './host-callback.ts';
import { answerMcpMessage, inProcessMcpLaunch } from './in-process-mcp.ts';
import { nearestName } from './nearest-name.ts';
import {
  type CanUseToolContext,
  DEFAULT_CAN_USE_TOOL_TIMEOUT_MS,
  type PermissionResult,
  PermissionResultSchema,
} from './permissions.ts';
import { Redactor } from './redaction.ts';

/** What the host's callbacks add to the CLI's start: argv flags (never secrets) and `initialize` fields. */
export interface HostLaunch {
  args: string[];
  initialize: Record<string, unknown>;
}

/** The answer to one request from the CLI: its `response` payload, or an error message. */
export type HostAnswer = { response: Record<string, unknown> } | { error: string };

export interface HostRequestsOptions {
  /** Where the permission and hook spans go; default the global tracer provider's `@ccflow/core` tracer. */
  tracer?: Tracer;
  /** Hides secrets in the error messages recorded on spans; default one built from the process environment. */
  redactor?: Redactor;
}

/** Span and attribute names of the host-callback spans. */
export const HOST_SPAN = {
  permission: 'ccflow.permission',
  hook: 'ccflow.hook',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  errorType: 'error.type',
  /** `allow` or `deny` (a failed callback denies). */
  decision: 'ccflow.permission.decision',
  /** True when an allow replaced the model's input. */
  inputUpdated: 'ccflow.permission.input_updated',
  hookEvent: 'ccflow.hook.event',
  hookCallbackId: 'ccflow.hook.callback_id',
  /** A hook's `permissionDecision` (PreToolUse) or `decision` (`block`, `approve`), when it gave one. */
  hookDecision: 'ccflow.hook.decision',
  /** False when a hook stopped the turn (`continue: false`). */
  hookContinue: 'ccflow.hook.continue',
  /** `threw`, `timeout` or `invalid`, when the callback failed; `cancelled` when the CLI withdrew the request. */
  failure: 'ccflow.host_callback.failure',
} as const;

const TRACER_NAME = '@ccflow/core';
/**
 * How long after its own limit on a hook callback the CLI may take to withdraw the request before we answer it
 * ourselves (it withdraws within a few ms when its event loop runs).
 */
const CLI_WITHDRAW_GRACE_MS = 2_000;
/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface RegisteredHook {
  event: HookEvent;
  callback: HookCallback;
  timeoutMs: number;
  /** The limit the CLI was given, in ms: whole seconds, not less than `timeoutMs`. */
  cliTimeoutMs: number;
}

/**
 * The requests the CLI sends to us (`can_use_tool`, `hook_callback`, `mcp_message`), answered with the host's
 * callbacks. Built once per process: the hook callback ids it registers in `launch` are the ones it answers.
 * Throws `ConfigurationError` for a host it cannot register (an unknown hook event, a bad timeout).
 */
export class HostRequests {
  readonly launch: HostLaunch;
  readonly #host: ExecutionHost | undefined;
  readonly #hooks = new Map<string, RegisteredHook>();
  readonly #canUseToolTimeoutMs: number;
  readonly #tracer: Tracer | undefined;
  #redactor: Redactor | undefined;

  constructor(host: ExecutionHost | undefined, options: HostRequestsOptions = {}) {
    this.#host = host;
    this.#tracer = options.tracer;
    this.#redactor = options.redactor;
    this.#canUseToolTimeoutMs = checkTimeout(
      'canUseToolTimeoutMs',
      host?.canUseToolTimeoutMs ?? DEFAULT_CAN_USE_TOOL_TIMEOUT_MS,
      true,
    );
    const hooks = this.#registerHooks(host?.hooks);
    const mcp = inProcessMcpLaunch(host?.mcpServers);
    this.launch = {
      args: [...(host?.canUseTool ? ['--permission-prompt-tool=stdio'] : []), ...mcp.args],
      initialize: { ...mcp.initialize, ...(hooks && { hooks }) },
    };
  }

  /**
   * Answers `request` (a `control_request`'s `request` object). Never throws; settles by the callback's timeout (a
   * hook that does not answer: once the CLI withdraws the request at its own limit, or a grace after it).
   */
  async answer(request: Record<string, unknown>, init: { signal: AbortSignal }): Promise<HostAnswer> {
    try {
      switch (request.subtype) {
        case 'can_use_tool':
          return await this.#canUseTool(request, init.signal);
        case 'hook_callback':
          return await this.#hookCallback(request, init.signal);
        case 'mcp_message':
          return await answerMcpMessage(this.#host?.mcpServers, request, init);
        default:
          return { error: `Unsupported control request subtype: ${String(request.subtype)}` };
      }
    } catch (error) {
      return { error: `ccflow could not answer ${String(request.subtype)}: ${this.#redact(String(error))}` };
    }
  }

  #registerHooks(matchers: ExecutionHost['hooks']): Record<string, unknown[]> | undefined {
    if (matchers === undefined) return undefined;
    const wire: Record<string, unknown[]> = {};
    for (const [event, list] of Object.entries(matchers)) {
      if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
        const near = nearestName(event, HOOK_EVENTS);
        throw new ConfigurationError({
          field: `hooks.${event}`,
          problem: `not a hook event${near ? ` (did you mean ${near}?)` : ''}`,
        });
      }
      if (!Array.isArray(list))
        throw new ConfigurationError({ field: `hooks.${event}`, problem: 'must be an array of matchers' });
      const registered = list.map((matcher, i) => {
        const field = `hooks.${event}[${i}]`;
        if (!Array.isArray(matcher?.hooks) || !matcher.hooks.every((h) => typeof h === 'function')) {
          throw new ConfigurationError({ field: `${field}.hooks`, problem: 'must be an array of functions' });
        }
        const timeoutMs = checkTimeout(
          `${field}.timeoutMs`,
          matcher.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
          false,
        );
        // The wire unit is seconds.
        const cliTimeoutS = Math.ceil(timeoutMs / 1000);
        const ids = matcher.hooks.map((callback) => {
          const id = `hook_${this.#hooks.size}`;
          const hook = { event: event as HookEvent, callback: callback as HookCallback, timeoutMs };
          this.#hooks.set(id, { ...hook, cliTimeoutMs: cliTimeoutS * 1000 });
          return id;
        });
        return {
          ...(matcher.matcher !== undefined && { matcher: matcher.matcher }),
          hookCallbackIds: ids,
          timeout: cliTimeoutS,
          ...(matcher.onFailure !== undefined && { onFailure: matcher.onFailure }),
        };
      });
      if (registered.length > 0) wire[event] = registered;
    }
    return Object.keys(wire).length > 0 ? wire : undefined;
  }

  async #canUseTool(request: Record<string, unknown>, signal: AbortSignal): Promise<HostAnswer> {
    const decide = this.#host?.canUseTool;
    const toolName = String(request.tool_name);
    const input = isRecord(request.input) ? request.input : {};
    const toolUseId = optionalString(request.tool_use_id);
    if (!decide) return { error: 'canUseTool is not set' };
    return this.#inSpan(
      HOST_SPAN.permission,
      { [HOST_SPAN.toolName]: toolName, [HOST_SPAN.toolCallId]: toolUseId },
      async (span) => {
        const outcome = await callHostCallback<PermissionResult>({
          callback: 'canUseTool',
          toolName,
          run: (callbackSignal) => decide(toolName, input, canUseToolContext(request, callbackSignal)),
          schema: PermissionResultSchema,
          timeoutMs: this.#canUseToolTimeoutMs,
          signal,
          redact: (text) => this.#redact(text),
        });
        if (outcome.kind === 'cancelled') {
          span.setAttribute(HOST_SPAN.failure, 'cancelled');
          return { error: 'the CLI withdrew the request' };
        }
        if (outcome.kind === 'failed') {
          recordFailure(span, outcome.error);
          span.setAttribute(HOST_SPAN.decision, 'deny');
          return { response: { behavior: 'deny', message: deniedBecause(outcome.error) } };
        }
        const result = outcome.value;
        span.setAttribute(HOST_SPAN.decision, result.behavior);
        if (result.behavior === 'deny') return { response: result };
        span.setAttribute(HOST_SPAN.inputUpdated, result.updatedInput !== undefined);
        // The model's input when the callback kept it, as the CLI of any version expects an input back.
        return { response: { ...result, updatedInput: result.updatedInput ?? input } };
      },
    );
  }

  async #hookCallback(request: Record<string, unknown>, signal: AbortSignal): Promise<HostAnswer> {
    const id = String(request.callback_id);
    const hook = this.#hooks.get(id);
    if (!hook) return { error: `no hook callback registered as ${id}` };
    const input = (isRecord(request.input) ? request.input : {}) as HookInput;
    const toolUseId = optionalString(request.tool_use_id);
    const event = typeof input.hook_event_name === 'string' ? input.hook_event_name : hook.event;
    const toolName = optionalString(input.tool_name);
    const attributes = {
      [HOST_SPAN.hookEvent]: event,
      [HOST_SPAN.hookCallbackId]: id,
      [HOST_SPAN.toolName]: toolName,
      [HOST_SPAN.toolCallId]: toolUseId,
    };
    return this.#inSpan(HOST_SPAN.hook, attributes, async (span) => {
      const outcome = await callHostCallback<HookOutput>({
        callback: event,
        toolName,
        run: (callbackSignal) => hook.callback(input as never, toolUseId, { signal: callbackSignal }),
        schema: hookOutputSchema(event) as never,
        timeoutMs: hook.timeoutMs,
        signal,
        redact: (text) => this.#redact(text),
      });
      if (outcome.kind === 'cancelled') {
        span.setAttribute(HOST_SPAN.failure, 'cancelled');
        return { error: 'the CLI withdrew the request' };
      }
      if (outcome.kind === 'failed') {
        recordFailure(span, outcome.error);
        // A hook that does not answer is left to the CLI's own limit, so it has the CLI's effect (a PreToolUse
        // call is not executed); the CLI withdraws the request then. Any other failure is answered as an error,
        // and the CLI does what the matcher's `onFailure` says.
        if (outcome.error.failure === 'timeout') {
          await withdrawn(signal, hook.cliTimeoutMs - hook.timeoutMs + CLI_WITHDRAW_GRACE_MS);
        }
        return { error: outcome.error.message };
      }
      const output = outcome.value;
      const specific = output.hookSpecificOutput as { permissionDecision?: string } | undefined;
      const decision = specific?.permissionDecision ?? output.decision;
      if (decision !== undefined) span.setAttribute(HOST_SPAN.hookDecision, decision);
      if (output.continue === false) span.setAttribute(HOST_SPAN.hookContinue, false);
      return { response: output as Record<string, unknown> };
    });
  }

  /** Runs `body` in a span that is the active one (so the callback's own spans nest in it), and ends it. */
  async #inSpan<T>(name: string, attributes: Attributes, body: (span: Span) => Promise<T>): Promise<T> {
    const tracer = this.#tracer ?? trace.getTracer(TRACER_NAME);
    const span = tracer.startSpan(name, { attributes });
    try {
      return await context.with(trace.setSpan(context.active(), span), () => body(span));
    } finally {
      span.end();
    }
  }

  #redact(text: string): string {
    this.#redactor ??= new Redactor();
    return this.#redactor.text(text);
  }
}

/** Resolves when `signal` aborts, or after `ms`. */
function withdrawn(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}

function canUseToolContext(request: Record<string, unknown>, signal: AbortSignal): CanUseToolContext {
  const mcp = request.mcp_server;
  return {
    signal,
    ...(Array.isArray(request.permission_suggestions) && {
      suggestions: request.permission_suggestions as CanUseToolContext['suggestions'],
    }),
    toolUseId: optionalString(request.tool_use_id),
    blockedPath: optionalString(request.blocked_path),
    decisionReason: optionalString(request.decision_reason),
    title: optionalString(request.title),
    displayName: optionalString(request.display_name),
    description: optionalString(request.description),
    ...(isRecord(mcp) &&
      typeof mcp.name === 'string' && { mcpServer: { name: mcp.name, source: String(mcp.source) } }),
  };
}

/** The deny the CLI gets for a failed callback: says why, without the callback's own error text. */
function deniedBecause(error: HostCallbackError): string {
  const why = { threw: 'failed', timeout: 'did not answer in time', invalid: 'gave an invalid answer' }[
    error.failure
  ];
  return `Permission denied: the permission check ${why}.`;
}

function recordFailure(span: Span, error: HostCallbackError): void {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.setAttributes({ [HOST_SPAN.errorType]: error.code, [HOST_SPAN.failure]: error.failure });
}

function checkTimeout(field: string, ms: number, infinite: boolean): number {
  const ok = typeof ms === 'number' && ms > 0 && (ms <= MAX_TIMER_MS || (infinite && ms === Infinity));
  if (!ok) {
    const most = infinite ? `at most ${MAX_TIMER_MS}, or Infinity` : `at most ${MAX_TIMER_MS}`;
    throw new ConfigurationError({
      field,
      problem: `must be a number of ms above 0 and ${most} (got ${ms})`,
    });
  }
  return ms;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
