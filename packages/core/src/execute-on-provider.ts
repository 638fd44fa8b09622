import type { Message } from '@ccflow/parser';
import { type Context, context, trace } from '@opentelemetry/api';
import { mergeOptions } from './claude-connection.ts';
import { type CCFlowConfig, CONFIG } from './config.ts';
import type { ConnectionProvider } from './connection.ts';
import { contextAttributes } from './context-block.ts';
import type { ExecuteRequest } from './executor.ts';
import { iterateInContext } from './iterate-in-context.ts';
import { type CliAgentOptions, resolveOptions } from './options.ts';
import { preparePrompt } from './prepare-prompt.ts';
import { runtime } from './runtime.ts';
import { runTurn } from './turn.ts';

export interface ExecuteOnProviderOptions {
  /** Options under every request's own (`env` is merged); the provider applies the same ones when it opens. */
  defaultOptions?: CliAgentOptions;
  /** Default: the process-wide configuration, read at each execution. */
  config?: CCFlowConfig;
}

/**
 * One `Executor` execution as one turn on a connection leased from `provider`: the prompt prepared (its context
 * attached, see `preparePrompt`), the limits of the request's options (`timeoutMs`, default
 * `CCFLOW_DEFAULT_TIMEOUT`; `idleTimeoutMs`), `runTurn`, then the lease released, reusable only when the turn ended
 * with its result. `CliExecutor` is this on a provider that spawns; `WarmPool` on itself.
 */
export function executeOnProvider(
  provider: ConnectionProvider,
  request: ExecuteRequest,
  init: ExecuteOnProviderOptions = {},
): AsyncIterable<Message> {
  // The trace context is taken now: the generator's body runs later, in whatever context calls `next()`.
  return run(provider, request, init, context.active());
}

async function* run(
  provider: ConnectionProvider,
  request: ExecuteRequest,
  init: ExecuteOnProviderOptions,
  ctx: Context,
): AsyncGenerator<Message> {
  const options = resolveOptions(mergeOptions(init.defaultOptions, request.options));
  const { signal } = request;
  signal?.throwIfAborted();
  const config = init.config ?? runtime.get(CONFIG);
  const { prompt, encoding } = preparePrompt(request.prompt, options, config.toonEnabled);
  if (encoding) trace.getSpan(ctx)?.setAttributes(contextAttributes(encoding));
  const timeoutMs = options.timeoutMs ?? config.defaultTimeoutMs;
  const lease = await context.with(ctx, () =>
    provider.open({ options: request.options, host: request.host, signal }),
  );
  let ended = false;
  try {
    yield* iterateInContext(ctx, () =>
      runTurn(lease.connection, { prompt, signal, timeoutMs, idleTimeoutMs: options.idleTimeoutMs }),
    );
    ended = true;
  } finally {
    await lease.release({ reusable: ended });
  }
}
