import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCorrelationId, setCorrelationId, withCorrelationId } from './correlation.ts';

describe('correlation ids', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  it('a scoped id follows async calls and is gone afterwards', async () => {
    const outer = await new Promise<string | undefined>((resolve) =>
      setImmediate(() => resolve(getCorrelationId())),
    );
    const inner = await withCorrelationId('req-42', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return getCorrelationId();
    });
    expect(inner).toBe('req-42');
    expect(getCorrelationId()).not.toBe('req-42');
    expect(outer).toBeUndefined();
  });

  it('reading the id has no effect: without an id or a trace it stays undefined', async () => {
    const seen = await new Promise<(string | undefined)[]>((resolve) =>
      setImmediate(async () => {
        const first = getCorrelationId();
        await Promise.resolve();
        resolve([first, getCorrelationId()]);
      }),
    );
    expect(seen).toEqual([undefined, undefined]);
  });

  it('without an id set, the active trace id is the correlation id', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    const id = context.with(
      ctx,
      () => new Promise<string | undefined>((resolve) => setImmediate(() => resolve(withFresh()))),
    );
    return expect(id).resolves.toBe(traceId);
  });

  it('setCorrelationId sets it for the rest of the async context and returns it', async () => {
    const seen = await new Promise<(string | undefined)[]>((resolve) =>
      setImmediate(async () => {
        const a = setCorrelationId('fixed');
        await Promise.resolve();
        resolve([a, getCorrelationId(), setCorrelationId()]);
      }),
    );
    expect(seen[0]).toBe('fixed');
    expect(seen[1]).toBe('fixed');
    expect(seen[2]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** Reads the id in a context with no correlation id of its own. */
function withFresh(): string | undefined {
  return getCorrelationId();
}
