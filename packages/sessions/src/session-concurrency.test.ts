import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { loadSession } from './load-session.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { Session } from './session.ts';
import type { SessionState } from './session-store.ts';
import { StoreConflictError } from './store-errors.ts';

/** A turn of session `id` costing 10 input and 4 output tokens and $0.01. */
const turn = (id: string) => [
  mockLines.init({ sessionId: id }),
  mockLines.result({ sessionId: id, result: 'ok', inputTokens: 10, outputTokens: 4, costUsd: 0.01 }),
];

async function drain(messages: AsyncIterable<Message>): Promise<void> {
  for await (const _ of messages);
}

describe('two Session objects saving one session', () => {
  it('lose no counts: each adds its turns, tokens and cost to what the other saved', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const first = new Session({ store, executor });
    await first.save();
    const id = first.sessionId;
    const a = (await loadSession(id, store, { executor }))!;
    const b = (await loadSession(id, store, { executor }))!;
    executor.enqueue(turn(id), turn(id), turn(id));
    await drain(a.sendMessage('a1'));
    await drain(b.sendMessage('b1'));
    await drain(a.sendMessage('a2'));
    const stored = (await store.load(id))!;
    expect(stored).toMatchObject({ turnCount: 3, totalInputTokens: 30, totalOutputTokens: 12 });
    expect(stored.totalCostUsd).toBeCloseTo(0.03, 10);
    // Each object's own view is the merged one as of its last save.
    expect(a.turnCount).toBe(3);
    expect(b.turnCount).toBe(2);
    await b.close();
    expect(await store.load(id)).toMatchObject({ status: 'closed', turnCount: 3, totalInputTokens: 30 });
  });

  it('interleaved at every step (concurrent turns), still lose no counts', async () => {
    const store = new MemorySessionStore();
    const seed = new Session({ store, executor: new MockExecutor() });
    await seed.save();
    const id = seed.sessionId;
    const sessions = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const executor = new MockExecutor(Array.from({ length: 5 }, () => turn(id)));
        return (await loadSession(id, store, { executor }))!;
      }),
    );
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; i < 5; i += 1) await drain(s.sendMessage(`turn ${i}`));
      }),
    );
    expect(await store.load(id)).toMatchObject({
      turnCount: 20,
      totalInputTokens: 200,
      totalOutputTokens: 80,
    });
  });

  it('eight writers on a store with latency: none runs out of attempts (they back off), and no count is lost', async () => {
    /** Each load and save takes up to 3 ms, as a real store's round trip does: collisions are the rule. */
    class Slow extends MemorySessionStore {
      conflicts = 0;
      override async save(state: SessionState): Promise<number> {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return super.save(state).catch((error: unknown) => {
          this.conflicts += 1;
          throw error;
        });
      }
      override async load(id: string): Promise<SessionState | undefined> {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return super.load(id);
      }
    }
    const store = new Slow();
    const seed = new Session({ store, executor: new MockExecutor() });
    await seed.save();
    const id = seed.sessionId;
    const sessions = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const executor = new MockExecutor(Array.from({ length: 5 }, () => turn(id)));
        return (await loadSession(id, store, { executor }))!;
      }),
    );
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; i < 5; i += 1) await drain(s.sendMessage(`turn ${i}`));
      }),
    );
    expect(store.conflicts).toBeGreaterThan(8); // they really collided
    expect(await store.load(id)).toMatchObject({
      turnCount: 40,
      totalInputTokens: 400,
      totalOutputTokens: 160,
    });
  });

  it("keep the status the manager set meanwhile in the store's version, and this session's newer status on top", async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor([turn('x')]);
    const session = new Session({ store, executor });
    await session.save();
    expect(await store.updateStatus(session.sessionId, 'expired')).toBe(true);
    await session.close();
    expect(await store.load(session.sessionId)).toMatchObject({ status: 'closed', version: 3 });
  });

  it('save anew a session deleted meanwhile', async () => {
    const store = new MemorySessionStore();
    const session = new Session({ store, executor: new MockExecutor() });
    await session.save();
    await store.delete(session.sessionId);
    await session.close();
    expect(await store.load(session.sessionId)).toMatchObject({ status: 'closed', version: 1 });
  });

  it('give up after a bounded number of refused saves, with the StoreConflictError, writing nothing', async () => {
    /** Another writer always gets in first. */
    class Contended extends MemorySessionStore {
      saves = 0;
      override async save(state: SessionState): Promise<number> {
        this.saves += 1;
        await this.updateStatus(state.sessionId, 'error');
        return super.save(state);
      }
    }
    const store = new Contended();
    const session = new Session({ store, executor: new MockExecutor() });
    await session.save();
    store.saves = 0;
    const error = await session.close().catch((e: unknown) => e);
    expect(StoreConflictError.isInstance(error), String(error)).toBe(true);
    expect(store.saves).toBe(10);
    expect((await store.load(session.sessionId))?.status).toBe('error');
  });
});
