import { type Context, context } from '@opentelemetry/api';

/**
 * Iterates `source()` with `ctx` active for its whole life. An async generator's body runs in the context of
 * whoever calls `next()`, not of whoever created it, so wrapping the creation alone would lose a span: every step
 * (and the final `return`) is driven inside `ctx` here.
 */
export async function* iterateInContext<T>(ctx: Context, source: () => AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = context.with(ctx, () => source()[Symbol.asyncIterator]());
  let done = false;
  try {
    for (;;) {
      const step = await context.with(ctx, () => iterator.next());
      if (step.done) {
        done = true;
        return;
      }
      yield step.value;
    }
  } finally {
    if (!done) await context.with(ctx, async () => iterator.return?.());
  }
}
