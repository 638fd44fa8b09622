import { randomUUID } from 'node:crypto';
import type Anthropic from '@anthropic-ai/sdk';
import type { ClientOptions } from '@anthropic-ai/sdk';
import {
  CONFIG,
  ConfigurationError,
  type ExecuteRequest,
  type Executor,
  type ExecutorCapabilities,
  resolveOptions,
  runtime,
} from '@ccflow/core';
import { contextAttributes, preparePrompt, syntheticResult } from '@ccflow/core/internal';
import { type Message, MessageParser } from '@ccflow/parser';
import { PRICE_TABLE } from '@ccflow/pricing';
import { type Context, context, trace } from '@opentelemetry/api';
import { apiRequest } from './api-request.ts';
import { ApiTranscript, SERVED_BY_API } from './api-transcript.ts';
import { APINotAvailableError, APITimeoutError } from './errors.ts';
import { type SdkErrorClass, toApiError } from './to-api-error.ts';

/** The reference's `APIClientConfig`, in camelCase and milliseconds. */
export interface APIClientConfig {
  /** Default `ANTHROPIC_API_KEY` of `env`. Kept in the client only: never logged, traced or stored. */
  apiKey?: string;
  /** Default `ANTHROPIC_BASE_URL` of `env`, else the SDK's (`https://api.anthropic.com`). */
  baseUrl?: string;
  /** Wall-clock limit of one call, ms, when the options set no `timeoutMs`. Default 300 000. */
  timeoutMs?: number;
  /** How often the SDK retries a failed call itself (429, 5xx, 529, connection errors). Default 2. */
  maxRetries?: number;
  /** The model when the options set none. Default `CCFLOW_DEFAULT_MODEL`, else `sonnet`. Aliases are resolved. */
  defaultModel?: string;
  /** `max_tokens` when the options set no `maxTokens`. Default 4096. */
  maxTokens?: number;
  /** Stream the response (SSE). Default true; false waits for the whole message, then yields it. */
  stream?: boolean;
  /** Where `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` are read, once, when the client is made. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** What the API path can do: run the model, nothing of Claude Code's. */
export const API_CAPABILITIES: ExecutorCapabilities = Object.freeze({
  resume: false,
  tools: false,
  host: false,
});

const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_MAX_TOKENS = 4096;

/**
 * The SDK, imported on the first call rather than with this module: it takes longer to import than the rest of
 * ccflow together, and every process that wires the fallback (the `ccflow` command, `import 'ccflow'`) would pay it
 * at start-up, whether the API is ever called or not.
 */
let sdk: Promise<typeof import('@anthropic-ai/sdk')> | undefined;
const loadSdk = () => {
  sdk ??= import('@anthropic-ai/sdk');
  return sdk;
};

/**
 * The Anthropic Messages API, on `@anthropic-ai/sdk`, as an `Executor`: a prompt and `CliAgentOptions` in, the same
 * `@ccflow/parser` messages the CLI path yields out (see `ApiTranscript`), marked `raw.ccflow_served_by: 'api'`.
 * Options with a Messages API meaning are mapped, CLI-only ones are ignored or refused (see `API_OPTION_SUPPORT`);
 * `options.context` is attached as the CLI path does (`preparePrompt`). The request's `host` is not called
 * (`capabilities.host` is false): there is no CLI to ask for tool permissions, hooks or MCP servers.
 *
 * Follows the `Executor` contract: errors before the response (no key, a refused option, HTTP 429 / 401 / 529...)
 * are thrown before any message; once `init` was yielded, a failure (a cut stream, a timeout, an abort, an `error`
 * event) yields ccflow's synthetic failed result, then throws the typed error (`APIClientError` and subclasses) or,
 * for an abort, the signal's reason. Breaking out of the loop cancels the HTTP request.
 */
export class APIClient implements Executor {
  readonly specificationVersion = 'v1';
  readonly capabilities = API_CAPABILITIES;
  /** What the SDK's client is made with, on the first call; undefined when there is no key. */
  readonly #settings: ClientOptions | undefined;
  #client: Anthropic | undefined;
  readonly #apiKeySource: string;
  readonly #config: Required<Pick<APIClientConfig, 'timeoutMs' | 'maxRetries' | 'maxTokens' | 'stream'>> &
    Pick<APIClientConfig, 'defaultModel'>;
  #closed = false;

  constructor(config: APIClientConfig = {}) {
    const env = config.env ?? process.env;
    const apiKey = config.apiKey ?? (env.ANTHROPIC_API_KEY || undefined);
    this.#apiKeySource = config.apiKey === undefined ? 'ANTHROPIC_API_KEY' : 'config';
    this.#config = {
      timeoutMs: positiveInt('timeoutMs', config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      maxRetries: count('maxRetries', config.maxRetries ?? 2),
      maxTokens: positiveInt('maxTokens', config.maxTokens ?? DEFAULT_MAX_TOKENS),
      stream: config.stream ?? true,
      defaultModel: config.defaultModel,
    };
    if (config.defaultModel !== undefined && config.defaultModel.trim() === '') {
      throw new ConfigurationError({ field: 'defaultModel', problem: 'must not be empty' });
    }
    // Passing the key explicitly keeps the SDK from looking for other credentials (tokens, profiles on disk).
    this.#settings =
      apiKey === undefined
        ? undefined
        : {
            apiKey,
            baseURL: config.baseUrl ?? (env.ANTHROPIC_BASE_URL || undefined) ?? 'https://api.anthropic.com',
            maxRetries: this.#config.maxRetries,
            timeout: this.#config.timeoutMs,
          };
  }

  /** Whether a call can be made: an API key was found and the client is not closed. */
  get isAvailable(): boolean {
    return this.#settings !== undefined && !this.#closed;
  }

  execute(request: ExecuteRequest): AsyncIterable<Message> {
    return this.#run(request, context.active());
  }

  /** No further calls are made (they throw `APINotAvailableError`); calls under way run to their end. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async *#run(request: ExecuteRequest, ctx: Context): AsyncGenerator<Message> {
    const options = resolveOptions(request.options);
    const { signal } = request;
    signal?.throwIfAborted();
    const settings = this.#settings;
    if (this.#closed || settings === undefined) {
      throw new APINotAvailableError({
        message: this.#closed
          ? 'the API client is closed'
          : 'no API key: set ANTHROPIC_API_KEY or pass apiKey to the APIClient',
      });
    }
    const startedAt = Date.now();
    const config = runtime.get(CONFIG);
    const { prompt, encoding } = preparePrompt(request.prompt, options, config.toonEnabled);
    if (encoding) trace.getSpan(ctx)?.setAttributes(contextAttributes(encoding));
    const { params, headers } = apiRequest(prompt, options, {
      model: this.#config.defaultModel ?? config.defaultModel ?? 'sonnet',
      maxTokens: this.#config.maxTokens,
    });
    const sessionId = options.sessionId ?? randomUUID();
    const prices = runtime.get(PRICE_TABLE);
    const transcript = new ApiTranscript({
      sessionId,
      model: params.model,
      includePartial: options.includePartial,
      structured: options.jsonSchema !== undefined,
      apiKeySource: this.#apiKeySource,
      prices,
      startedAt,
    });
    const parser = new MessageParser();
    const { APIError, default: Anthropic } = await loadSdk();
    this.#client ??= new Anthropic(settings);
    const client = this.#client;
    const timeoutMs = options.timeoutMs ?? this.#config.timeoutMs;
    const call = new CallControl(signal, timeoutMs, options.idleTimeoutMs, APIError);
    const requestOptions = {
      signal: call.signal,
      headers,
      timeout: timeoutMs,
      maxRetries: options.maxRetries ?? this.#config.maxRetries,
    };
    let started = false;
    let ended = false;
    try {
      transcript.sent();
      if (this.#config.stream) {
        const stream = await context.with(ctx, () =>
          client.messages.create({ ...params, stream: true }, requestOptions),
        );
        yield* parser.parse(transcript.init());
        started = true;
        call.activity();
        let stopped = false;
        for await (const event of stream) {
          call.activity();
          if (event.type === 'message_stop') stopped = true;
          for (const line of transcript.event(event)) yield* parser.parse(line);
        }
        // The SDK ends the stream quietly when its signal aborts.
        call.throwIfStopped();
        if (!stopped) throw new Error('the stream ended before message_stop');
      } else {
        const message = await context.with(ctx, () =>
          client.messages.create({ ...params, stream: false }, requestOptions),
        );
        yield* parser.parse(transcript.init());
        started = true;
        for (const line of transcript.message(message)) yield* parser.parse(line);
      }
      const result = parser.parse(transcript.result());
      ended = true;
      yield* result;
    } catch (error) {
      ended = true;
      const failure = call.failure(error);
      if (started) {
        const result = syntheticResult({
          reason: failure instanceof Error ? failure.message : String(failure),
          sessionId,
          durationMs: Date.now() - startedAt,
        });
        result.raw.ccflow_served_by = SERVED_BY_API;
        yield result;
      }
      throw failure;
    } finally {
      // A consumer that left the loop: cancel the request.
      call.end(!ended);
    }
  }
}

/**
 * One call's stop conditions in one `AbortSignal` for the SDK: the caller's signal, the wall-clock limit and the
 * idle limit. Knows which one stopped the call, to throw the right error.
 */
class CallControl {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #total: NodeJS.Timeout;
  readonly #idle: NodeJS.Timeout | undefined;
  #timeout: APITimeoutError | undefined;
  readonly #apiError: SdkErrorClass;
  readonly #onAbort = () => this.#controller.abort(this.#caller?.reason);

  constructor(
    caller: AbortSignal | undefined,
    timeoutMs: number,
    idleTimeoutMs: number | undefined,
    apiError: SdkErrorClass,
  ) {
    this.#caller = caller;
    this.#apiError = apiError;
    caller?.addEventListener('abort', this.#onAbort, { once: true });
    this.#total = setTimeout(() => this.#stop(timeoutMs, 'total'), timeoutMs);
    this.#idle =
      idleTimeoutMs === undefined
        ? undefined
        : setTimeout(() => this.#stop(idleTimeoutMs, 'idle'), idleTimeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The stream moved: the idle limit starts again. */
  activity(): void {
    this.#idle?.refresh();
  }

  throwIfStopped(): void {
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
  }

  /** What to throw for `error`: the caller's abort reason, the timeout, or the typed API error. */
  failure(error: unknown): unknown {
    if (this.#caller?.aborted) return this.#caller.reason;
    if (this.#timeout) return this.#timeout;
    return toApiError(error, this.#apiError);
  }

  end(cancel: boolean): void {
    clearTimeout(this.#total);
    clearTimeout(this.#idle);
    this.#caller?.removeEventListener('abort', this.#onAbort);
    if (cancel) this.#controller.abort();
  }

  #stop(timeoutMs: number, kind: 'total' | 'idle'): void {
    this.#timeout = new APITimeoutError({
      message:
        kind === 'total'
          ? `the Messages API call took longer than ${timeoutMs} ms`
          : `the Messages API stream was silent for ${timeoutMs} ms`,
      timeoutMs,
      kind,
    });
    this.#controller.abort(this.#timeout);
  }
}

function positiveInt(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigurationError({
      field,
      problem: `must be a positive integer (ms or tokens), got ${value}`,
    });
  return value;
}

function count(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ConfigurationError({ field, problem: `must be a whole number, 0 or more, got ${value}` });
  return value;
}
