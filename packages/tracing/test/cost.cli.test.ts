import { CliExecutor, collectQueryResult, query } from '@ccflow/core';
import type { ResultMessage } from '@ccflow/parser';
import { MemorySessionStore, Session } from '@ccflow/sessions';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import { MemoryTraceStore } from '../src/memory-trace-store.ts';
import { TraceRecorder } from '../src/trace-recorder.ts';
import { summarizeTraces } from '../src/trace-summary.ts';

// What each cost figure means, against what the real CLI prints: its `total_cost_usd` is a running total for the
// CLI session that carries across resumes and into forks. Five CLI runs.

const sandbox = useClaudeSandbox();
const usage = (i: number) => ({ input_tokens: 1000 * i, output_tokens: 100 * i });

it('a session of four turns (reloaded between turns, then forked): totals are the CLI running totals, each trace its turn', async () => {
  const executor = new CliExecutor(sandbox.executorOptions);
  const traceStore = new MemoryTraceStore();
  const store = new MemorySessionStore();
  // Plain sessions with a recorder: loaded and forked sessions keep tracing through it.
  const recorder = new TraceRecorder({ traceStore });
  const init = { store, executor, observers: [recorder], options: { model: 'claude-sonnet-4-5' } };
  const results: ResultMessage[] = [];
  const turn = async (session: Session, i: number) => {
    sandbox.api.enqueue(reply.text(`answer ${i}`, { usage: usage(i) }));
    for await (const m of session.sendMessage(`turn ${i}`)) {
      if (m.type === 'result') results.push(m);
    }
    expect(results.at(-1)?.isError).toBe(false);
  };

  const first = new Session(init);
  await turn(first, 1);
  await turn(first, 2);
  // As another process would: a new object from what the store kept.
  const state = await store.load(first.sessionId);
  const reloaded = Session.fromState(state!, init);
  await turn(reloaded, 3);
  const fork = await reloaded.fork();
  await turn(fork, 4);

  const totals = results.map((r) => r.totalCostUsd);
  // The CLI's figure is a running total: each result's is more than the turn it reports.
  expect(totals[1]).toBeGreaterThan(totals[0]! * 2);
  expect(reloaded.totalCostUsd).toBeCloseTo(totals[2]!, 9);
  expect((await store.load(first.sessionId))?.totalCostUsd).toBeCloseTo(totals[2]!, 9);
  // The fork's CLI total includes the conversation it branched from, once; so does the fork's.
  expect(fork.totalCostUsd).toBeCloseTo(totals[3]!, 9);

  const parentTraces = await traceStore.getSessionTraces(first.sessionId);
  expect(parentTraces.map((t) => t.costUsd)).toEqual([
    expect.closeTo(totals[0]!, 9),
    expect.closeTo(totals[1]! - totals[0]!, 9),
    expect.closeTo(totals[2]! - totals[1]!, 9),
  ]);
  const [forkTrace] = await traceStore.getSessionTraces(fork.sessionId);
  expect(forkTrace?.costUsd).toBeCloseTo(totals[3]! - totals[2]!, 9);
  expect(summarizeTraces(parentTraces).costUsd).toBeCloseTo(totals[2]!, 9);
});

it('a resumed query reports its own turn in costUsd and the CLI running total in sessionCostUsd', async () => {
  const executor = new CliExecutor(sandbox.executorOptions);
  const run = async (i: number, options: { resume?: string } = {}) => {
    sandbox.api.enqueue(reply.text(`answer ${i}`, { usage: usage(i) }));
    let result: ResultMessage | undefined;
    for await (const m of query(`q ${i}`, { model: 'claude-sonnet-4-5', ...options }, { executor })) {
      if (m.type === 'result') result = m;
    }
    return result!;
  };
  const a = await run(1);
  const b = await run(2, { resume: a.sessionId });
  sandbox.api.enqueue(reply.text('answer 3', { usage: usage(3) }));
  const c = await collectQueryResult(
    query('q 3', { model: 'claude-sonnet-4-5', resume: b.sessionId }, { executor }),
  );
  expect(c.sessionCostUsd).toBe(c.result?.totalCostUsd);
  expect(c.costUsd).toBeCloseTo(c.sessionCostUsd - b.totalCostUsd, 9);
  expect(c.costUsd).toBeLessThan(c.sessionCostUsd);
});
