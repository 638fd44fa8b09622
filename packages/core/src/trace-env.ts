import { type Context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The W3C trace context of `ctx` as environment variables (`TRACEPARENT`, and `TRACESTATE` when there is one), so a
 * CLI that exports telemetry joins the caller's trace. `undefined` without a valid span context.
 */
export function traceEnv(ctx: Context): { TRACEPARENT: string; TRACESTATE?: string } | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const state = span.traceState?.serialize();
  return {
    TRACEPARENT: `00-${span.traceId}-${span.spanId}-${flags}`,
    ...(state ? { TRACESTATE: state } : {}),
  };
}
