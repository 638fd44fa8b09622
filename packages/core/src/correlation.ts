import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';

/**
 * Correlation ids follow the async call chain (AsyncLocalStorage). Without one set, the active OpenTelemetry
 * trace id is the correlation id, so logs and spans of one request share it.
 */
const storage = new AsyncLocalStorage<{ id: string }>();

/**
 * The current correlation id: the one set in this async context, else the active trace id, else `undefined`.
 * Reading it changes nothing: call `setCorrelationId()` to start one.
 */
export function getCorrelationId(): string | undefined {
  const held = storage.getStore();
  if (held) return held.id;
  const span = trace.getSpanContext(context.active());
  return span && trace.isSpanContextValid(span) ? span.traceId : undefined;
}

/** Sets the correlation id for the rest of the current async context (a new one when omitted) and returns it. */
export function setCorrelationId(id: string = randomUUID()): string {
  storage.enterWith({ id });
  return id;
}

/** Runs `fn` with `id` as the correlation id; the previous one is back afterwards. */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return storage.run({ id }, fn);
}
