import { createTraceState, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { traceEnv } from './trace-env.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';

describe('traceEnv', () => {
  it('formats a valid span context as W3C traceparent', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    expect(traceEnv(ctx)).toEqual({ TRACEPARENT: `00-${traceId}-${spanId}-01` });
  });

  it('keeps unsampled flags and the trace state', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId,
      traceFlags: TraceFlags.NONE,
      traceState: createTraceState('vendor=abc,other=1'),
    });
    expect(traceEnv(ctx)).toEqual({
      TRACEPARENT: `00-${traceId}-${spanId}-00`,
      TRACESTATE: 'vendor=abc,other=1',
    });
  });

  it('gives nothing without a valid span context', () => {
    expect(traceEnv(ROOT_CONTEXT)).toBeUndefined();
    const invalid = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '00000000000000000000000000000000',
      spanId,
      traceFlags: 1,
    });
    expect(traceEnv(invalid)).toBeUndefined();
  });
});
