import type { z } from 'zod';
import { HostCallbackError } from './errors.ts';

/** How one call of a host callback ended: its checked answer, a failure, or the CLI withdrew the question. */
export type HostCallbackOutcome<T> =
  | { kind: 'answered'; value: T }
  | { kind: 'failed'; error: HostCallbackError }
  | { kind: 'cancelled' };

export interface HostCallbackCall<T> {
  /** `canUseTool`, or the hook event: named in the error. */
  callback: string;
  toolName?: string;
  /** Runs the callback; its signal is aborted on timeout and on cancellation. */
  run: (signal: AbortSignal) => unknown;
  schema: z.ZodType<T>;
  /** `Infinity`: no limit. */
  timeoutMs: number;
  /** Aborted when the CLI withdraws the request (`control_cancel_request`). */
  signal: AbortSignal;
  /** Hides secrets in the text of what the callback threw. */
  redact: (text: string) => string;
}

/**
 * Calls a host callback so that it cannot break the conversation with the CLI: whatever it does (throws, even
 * synchronously; never settles; returns junk) this settles by its timeout or on cancellation, with a checked value or
 * a `HostCallbackError`. A callback that answers after that is ignored.
 */
export async function callHostCallback<T>(call: HostCallbackCall<T>): Promise<HostCallbackOutcome<T>> {
  if (call.signal.aborted) return { kind: 'cancelled' };
  const stop = new AbortController();
  const signal = AbortSignal.any([call.signal, stop.signal]);
  const fail = (failure: 'threw' | 'timeout' | 'invalid', message: string, cause?: unknown) => ({
    kind: 'failed' as const,
    error: new HostCallbackError({
      message,
      cause,
      callback: call.callback,
      failure,
      toolName: call.toolName,
      timeoutMs: failure === 'timeout' ? call.timeoutMs : undefined,
    }),
  });
  const subject = call.toolName === undefined ? call.callback : `${call.callback} for ${call.toolName}`;

  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const ended = new Promise<'timeout' | 'cancelled'>((resolve) => {
    if (Number.isFinite(call.timeoutMs)) timer = setTimeout(() => resolve('timeout'), call.timeoutMs);
    onCancel = () => resolve('cancelled');
    call.signal.addEventListener('abort', onCancel, { once: true });
  });
  const answered = Promise.resolve()
    .then(() => call.run(signal))
    .then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  try {
    const first = await Promise.race([answered, ended]);
    if (first === 'cancelled') return { kind: 'cancelled' };
    if (first === 'timeout') {
      const failed = fail('timeout', `${subject} did not answer within ${call.timeoutMs} ms`);
      stop.abort(failed.error);
      return failed;
    }
    if ('error' in first) {
      const text = first.error instanceof Error ? first.error.message : String(first.error);
      return fail('threw', `${subject} threw: ${call.redact(text)}`, first.error);
    }
    const checked = call.schema.safeParse(first.value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return fail(
        'invalid',
        `${subject} returned an invalid answer${where}: ${issue?.message}`,
        checked.error,
      );
    }
    return { kind: 'answered', value: checked.data };
  } finally {
    clearTimeout(timer);
    if (onCancel) call.signal.removeEventListener('abort', onCancel);
  }
}
