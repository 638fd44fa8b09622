import type { Message } from '@ccflow/parser';
import type { Connection } from './connection.ts';
import { CliTimeoutError, ConnectionClosedError } from './errors.ts';
import type { Prompt } from './prompt.ts';
import { syntheticResult } from './synthetic-result.ts';

/** One turn on a live connection. */
export interface TurnRequest {
  prompt: Prompt;
  /** The user message's id (a UUID), to rewind files to it later; none by default. */
  uuid?: string;
  /** Ends the turn: the connection is closed, a synthetic failed result is yielded, the reason thrown. */
  signal?: AbortSignal;
  /** Wall-clock limit of the turn (a `CliTimeoutError` of kind `total`; the connection is closed). */
  timeoutMs?: number;
  /**
   * Longest silence while waiting for the CLI (kind `idle`); time the consumer holds a message, or the CLI waits for
   * a host callback (`connection.waitingOnHost`), does not count.
   */
  idleTimeoutMs?: number;
}

/** `setTimeout` fires at once for anything longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Sends one prompt and yields that turn's messages up to and including its `result`, so `Executor` semantics sit on a
 * connection: a turn that cannot end with a real result (the CLI died, a limit, an abort) yields a synthetic failed
 * `result` and throws the typed error, and leaves the connection closed. Breaking out of the loop mid-turn closes it
 * too (nothing could tell the next turn's messages from this one's rest). After a normal result the connection stays
 * open for the next turn. One turn at a time per connection.
 */
export async function* runTurn(connection: Connection, request: TurnRequest): AsyncGenerator<Message> {
  const started = performance.now();
  const { signal } = request;
  signal?.throwIfAborted();
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  /** A new promise per wait, so nothing read stays reachable from a long-lived promise's reactions. */
  const stopped = () =>
    new Promise<'stopped'>((resolve) => {
      wake = () => resolve('stopped');
    });
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    void connection.close();
    wake?.();
  };
  const onAbort = () => fail(signal?.reason);
  const timeoutMs = request.timeoutMs && Math.min(request.timeoutMs, MAX_TIMER_MS);
  const total =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
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
  const idleMs = request.idleTimeoutMs && Math.min(request.idleTimeoutMs, MAX_TIMER_MS);
  let idle: NodeJS.Timeout | undefined;
  const disarm = () => {
    clearTimeout(total);
    clearTimeout(idle);
    signal?.removeEventListener('abort', onAbort);
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const messages = connection.messages[Symbol.asyncIterator]();
  let sessionId = connection.sessionId;
  let ended = false;
  try {
    await connection.send(request.prompt, { uuid: request.uuid });
    while (!failure) {
      if (idleMs) {
        const arm = () => {
          idle = setTimeout(() => {
            // A callback of the host (a person asked to allow a tool) may take longer than the CLI is silent.
            if (connection.waitingOnHost) return arm();
            fail(
              new CliTimeoutError({
                message: `claude printed nothing for ${idleMs} ms`,
                timeoutMs: idleMs,
                kind: 'idle',
              }),
            );
          }, idleMs);
        };
        arm();
      }
      let step: IteratorResult<Message> | 'stopped';
      try {
        step = await Promise.race([messages.next(), stopped()]);
      } catch (error) {
        if (failure) break;
        throw error; // the connection's own failure, after its synthetic result
      } finally {
        wake = undefined;
        clearTimeout(idle);
      }
      if (step === 'stopped' || failure) break;
      if (step.done) {
        fail(new ConnectionClosedError({ message: 'the connection ended before the turn had a result' }));
        break;
      }
      const message = step.value;
      if (message.type === 'system' && message.subtype === 'init') sessionId = message.sessionId;
      const synthetic = message.type === 'result' && message.raw.ccflow_synthetic === true;
      if (message.type === 'result' && !synthetic) ended = true;
      yield message;
      if (ended) return;
    }
    const { error } = failure ?? {
      error: new ConnectionClosedError({ message: 'the turn ended without a result' }),
    };
    yield syntheticResult({
      reason: error instanceof Error ? error.message : String(error),
      sessionId,
      durationMs: Math.round(performance.now() - started),
    });
    throw error;
  } finally {
    disarm();
    if (!ended) await connection.close();
  }
}
