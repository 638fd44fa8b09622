import {
  CliExecutor,
  CliNotFoundError,
  CliTimeoutError,
  ConfigurationError,
  type ExecuteRequest,
  type Executor,
  type ExecutorCapabilities,
  resolveOptions,
} from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { CircuitBreakerError, isPreamble, withCircuitBreaker } from '@ccflow/reliability';
import { trace } from '@opentelemetry/api';
import { APIClient, type APIClientConfig } from './api-client.ts';
import { unsupportedOption } from './api-request.ts';
import { countExecution, FALLBACK_TELEMETRY, type FallbackReason } from './fallback-telemetry.ts';

/** When `FallbackExecutor` turns to the API (the reference's `FallbackConfig`). */
export interface FallbackConfig {
  /** The CLI was not found (`CliNotFoundError`). Default true. */
  fallbackOnCliUnavailable?: boolean;
  /** The CLI's circuit is open (`CircuitBreakerError`). Default true. */
  fallbackOnCircuitOpen?: boolean;
  /** The CLI timed out (`CliTimeoutError`) before it streamed any output. Default false. */
  fallbackOnTimeout?: boolean;
  /** For the `APIClient` made when `api` is not given. */
  apiConfig?: APIClientConfig;
}

export interface FallbackExecutorOptions extends FallbackConfig {
  /** The CLI path. Default: a `CliExecutor` behind the process-wide CLI circuit breaker (`withCircuitBreaker`). */
  cli?: Executor;
  /** The API path. Default: `new APIClient(apiConfig)`. */
  api?: APIClient;
}

/** Which path an execution must take: `forceApi` skips the CLI, `forceCli` never falls back. */
export interface FallbackRoute {
  forceApi?: boolean;
  forceCli?: boolean;
}

/**
 * The CLI first, the Messages API when the CLI cannot serve: it was not found, its circuit is open, or (opt-in) it
 * timed out, as `FallbackConfig` says. Callers get the same messages either way (see `APIClient`).
 *
 * Never a duplicated answer: while the CLI has yielded only what carries no output (its `init`, `status` notices,
 * a failed result, see `isPreamble`), those are held back; the first other message commits the execution to the
 * CLI, and nothing falls back after that. A fallback drops what was held, so the caller sees one run. No fallback
 * either when the caller aborted, when the API client has no key, when the request sets an option the API path
 * refuses (`API_OPTION_SUPPORT`: tools, MCP servers, a CLI session to resume...), or a `sessionId` (a CLI session to
 * be resumed later, as a `Session`'s turns do, which the API path would not create): the CLI's error stands.
 *
 * Capabilities are the CLI's (it serves first); a request the API serves gets the model's answer without Claude
 * Code's tools. Sets `ccflow.served_by` (and `ccflow.fallback.reason`) on the active span and counts each execution
 * in the `ccflow.fallback.executions` metric. Disposing it disposes both paths.
 */
export class FallbackExecutor implements Executor {
  readonly specificationVersion = 'v1';
  readonly #cli: Executor;
  readonly #api: APIClient;
  readonly #config: Required<Omit<FallbackConfig, 'apiConfig'>>;

  constructor(options: FallbackExecutorOptions = {}) {
    this.#cli = options.cli ?? withCircuitBreaker(new CliExecutor());
    this.#api = options.api ?? new APIClient(options.apiConfig);
    this.#config = {
      fallbackOnCliUnavailable: options.fallbackOnCliUnavailable ?? true,
      fallbackOnCircuitOpen: options.fallbackOnCircuitOpen ?? true,
      fallbackOnTimeout: options.fallbackOnTimeout ?? false,
    };
  }

  get capabilities(): ExecutorCapabilities {
    return this.#cli.capabilities;
  }

  /** The API path this executor falls back to. */
  get api(): APIClient {
    return this.#api;
  }

  execute(request: ExecuteRequest, route: FallbackRoute = {}): AsyncIterable<Message> {
    if (route.forceApi && route.forceCli) {
      throw new ConfigurationError({ field: 'forceApi', problem: 'cannot be set with forceCli' });
    }
    return this.#run(request, route);
  }

  async *#run(request: ExecuteRequest, route: FallbackRoute): AsyncGenerator<Message> {
    const span = trace.getActiveSpan();
    const served = (by: 'cli' | 'api', reason?: FallbackReason) => {
      span?.setAttribute(FALLBACK_TELEMETRY.servedBy, by);
      if (reason) span?.setAttribute(FALLBACK_TELEMETRY.reason, reason);
      countExecution(by, reason);
    };
    if (route.forceApi) {
      served('api', 'forced');
      yield* this.#api.execute(request);
      return;
    }
    const held: Message[] = [];
    let committed = false;
    try {
      for await (const m of this.#cli.execute(request)) {
        if (!committed) {
          if (isPreamble(m) || (m.type === 'result' && m.isError)) {
            held.push(m);
            continue;
          }
          committed = true;
          served('cli');
          yield* held.splice(0);
        }
        yield m;
      }
    } catch (error) {
      const reason = committed || route.forceCli ? undefined : this.#reason(error, request);
      if (reason) {
        served('api', reason);
        yield* this.#api.execute(request);
        return;
      }
      if (!committed) served('cli');
      yield* held.splice(0);
      throw error;
    }
    if (!committed) served('cli');
    yield* held;
  }

  /** Why the API should serve after the CLI failed with `error` before any output, or undefined when it should not. */
  #reason(error: unknown, request: ExecuteRequest): FallbackReason | undefined {
    if (request.signal?.aborted || !this.#api.isAvailable) return undefined;
    const c = this.#config;
    let reason: FallbackReason | undefined;
    if (CliNotFoundError.isInstance(error) && c.fallbackOnCliUnavailable) reason = 'cli_not_found';
    else if (CircuitBreakerError.isInstance(error) && c.fallbackOnCircuitOpen) reason = 'circuit_open';
    else if (CliTimeoutError.isInstance(error) && c.fallbackOnTimeout) reason = 'cli_timeout';
    if (reason === undefined) return undefined;
    try {
      const options = resolveOptions(request.options);
      // A chosen `sessionId` names a CLI session the caller means to resume (a `Session`'s first turn): served by the
      // API, it would not exist for the next turn.
      return options.sessionId !== undefined || unsupportedOption(options) ? undefined : reason;
    } catch {
      return undefined;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.#cli[Symbol.asyncDispose]?.();
    } finally {
      await this.#api[Symbol.asyncDispose]();
    }
  }
}
