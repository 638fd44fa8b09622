import { StoreError } from '@ccflow/sessions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryTraceStore } from './memory-trace-store.ts';
import { traceFixture, traceStoreConformance } from './testing/index.ts';
import { type ToolCallRecord, TRACE_STATUSES, type TraceData } from './trace-store.ts';

traceStoreConformance('MemoryTraceStore', () => new MemoryTraceStore());

describe('MemoryTraceStore', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 12 });
  const optionalText = fc.option(text, { nil: undefined });
  const date = fc.date({ noInvalidDate: true });
  const count = fc.nat();
  const json = fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
  const toolCall: fc.Arbitrary<ToolCallRecord> = fc.record(
    {
      toolUseId: text,
      tool: text,
      args: fc.jsonValue({ maxDepth: 2 }),
      result: text,
      isError: fc.boolean(),
    },
    { requiredKeys: ['toolUseId', 'tool', 'args'] },
  );
  const trace: fc.Arbitrary<TraceData> = fc.record({
    traceId: text.filter((s) => s !== ''),
    version: fc.constant(0),
    sessionId: text,
    projectId: optionalText,
    parentTraceId: optionalText,
    sequenceNumber: count,
    prompt: text,
    context: fc.option(json, { nil: undefined }),
    response: text,
    thinking: text,
    toolCalls: fc.array(toolCall, { maxLength: 3 }),
    messageStream: fc.option(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }), { nil: undefined }),
    optionsSnapshot: json,
    model: optionalText,
    inputTokens: count,
    outputTokens: count,
    cacheReadTokens: count,
    cacheWriteTokens: count,
    thinkingTokens: count,
    costUsd: fc.double({ min: 0, max: 1e6, noNaN: true }),
    durationMs: count,
    status: fc.constantFrom(...TRACE_STATUSES),
    errorMessage: optionalText,
    resumeAt: optionalText,
    otelTraceId: optionalText,
    otelSpanId: optionalText,
    createdAt: date,
    updatedAt: date,
    metadata: json,
  });

  it('any trace round-trips whole, and stays isolated from the caller', async () => {
    await fc.assert(
      fc.asyncProperty(trace, async (original) => {
        const store = new MemoryTraceStore();
        const saved = structuredClone(original);
        expect(await store.save(saved)).toBe(1);
        saved.toolCalls.push({ toolUseId: 'mutated after save', tool: 'x', args: null });
        const stored = { ...original, version: 1 };
        expect(await store.load(original.traceId)).toEqual(stored);
        expect(await store.list()).toEqual([stored]);
        expect(await store.getSessionTraces(original.sessionId)).toEqual([stored]);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a trace it cannot copy, with StoreError', async () => {
    const store = new MemoryTraceStore();
    const error = await store
      .save(traceFixture({ metadata: { callback: () => {} } }))
      .catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
    expect(await store.count()).toBe(0);
  });

  it('says it is closed after close()', async () => {
    const store = new MemoryTraceStore();
    await store.close();
    await expect(store.load('x')).rejects.toThrow(/closed/);
  });
});
