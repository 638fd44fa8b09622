import { StoreError } from '@ccflow/sessions';
import { traceFixture, traceStoreConformance } from '@ccflow/tracing/testing';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.ts';
import { SQLiteTraceStore } from './sqlite-trace-store.ts';

const temp = useTempDir();

traceStoreConformance('SQLiteTraceStore', () => new SQLiteTraceStore(temp.file()));

describe('SQLiteTraceStore beyond the contract', () => {
  it('keeps every trace across a reopen', async () => {
    const path = temp.file();
    const store = new SQLiteTraceStore(path);
    const trace = traceFixture({
      context: { ticket: 1 },
      messageStream: [{ type: 'system' }],
      toolCalls: [{ toolUseId: 'u', tool: 'Bash', args: { command: 'ls' }, result: 'x', isError: false }],
      metadata: { n: 1 },
    });
    await store.save(trace);
    await store.close();
    const reopened = new SQLiteTraceStore({ dbPath: path });
    expect(await reopened.load(trace.traceId)).toEqual({ ...trace, version: 1 });
    await reopened.close();
  });

  it('saveMany writes every trace or, on one bad trace, none', async () => {
    const store = new SQLiteTraceStore(temp.file());
    await store.saveMany([traceFixture({ traceId: 'a' }), traceFixture({ traceId: 'b' })]);
    await expect(
      store.saveMany([traceFixture({ traceId: 'c' }), traceFixture({ traceId: '' })]),
    ).rejects.toSatisfy((e: unknown) => StoreError.isInstance(e));
    expect((await store.list()).map((t) => t.traceId).sort()).toEqual(['a', 'b']);
    await store.close();
  });

  it('filter values with quotes, % and _ and unicode are data, never SQL', async () => {
    const store = new SQLiteTraceStore(temp.file());
    const odd = ["'; DROP TABLE traces; --", '100%', 'a_b', '"x"', 'ünï 日本 😀', '%', '_'];
    for (const value of odd) {
      await store.save(
        traceFixture({ traceId: value, sessionId: value, projectId: value, parentTraceId: value }),
      );
    }
    await store.save(
      traceFixture({ traceId: 'decoy', sessionId: 'a-b', projectId: '1000', parentTraceId: 'x' }),
    );
    for (const value of odd) {
      for (const filter of [{ sessionId: value }, { projectId: value }, { parentTraceId: value }]) {
        expect((await store.list(filter)).map((t) => t.traceId)).toEqual([value]);
      }
    }
    await store.close();
  });
});
