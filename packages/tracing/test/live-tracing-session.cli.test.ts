import { type ClaudeConnection, CliConnectionProvider, type ConnectionProvider } from '@ccflow/core';
import type { ResultMessage } from '@ccflow/parser';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { describe, expect, it } from 'vitest';
import { MemoryTraceStore } from '../src/memory-trace-store.ts';
import { TracingSession } from '../src/tracing-session.ts';

// A traced session in live mode (one CLI process for every turn). One CLI process.

const sandbox = useClaudeSandbox();

describe('TracingSession on a live connection, with the real CLI', () => {
  it('records a trace per turn, each with its own cost and tool calls, from one process', async () => {
    const { api } = sandbox;
    await using provider = new CliConnectionProvider(sandbox.executorOptions);
    const traceStore = new MemoryTraceStore();
    const opened: number[] = [];
    const recording: ConnectionProvider = {
      specificationVersion: 'v1',
      open: async (request) => {
        const lease = await provider.open(request);
        opened.push((lease.connection as ClaudeConnection).pid);
        return lease;
      },
      [Symbol.asyncDispose]: async () => {},
    };
    const session = new TracingSession({
      provider: recording,
      traceStore,
      options: { allowedTools: ['Bash(echo *)'] },
    });
    const results: ResultMessage[] = [];
    const turn = async (prompt: string) => {
      for await (const m of session.sendMessage(prompt)) if (m.type === 'result') results.push(m);
    };
    api.enqueue(reply.text('Noted: apricot.'));
    await turn('Turn one: remember apricot.');
    api.enqueue(reply.toolUse('Bash', { command: 'echo banana-tool' }), reply.text('Answer two: banana.'));
    await turn('Turn two: run echo.');
    api.enqueue(reply.text('Answer three: cherry.'));
    await turn('Turn three: cherry.');
    await session.close();

    expect(opened).toHaveLength(1);
    const traces = await session.getTraces();
    expect(traces.map((t) => [t.sequenceNumber, t.status, t.prompt, t.response])).toEqual([
      [1, 'success', 'Turn one: remember apricot.', 'Noted: apricot.'],
      [2, 'success', 'Turn two: run echo.', 'Answer two: banana.'],
      [3, 'success', 'Turn three: cherry.', 'Answer three: cherry.'],
    ]);
    expect(traces[1]!.toolCalls).toMatchObject([
      { tool: 'Bash', args: { command: 'echo banana-tool' }, isError: false },
    ]);
    expect(traces[1]!.toolCalls[0]?.result).toContain('banana-tool');
    // Each trace has its turn's own cost, though the process's total_cost_usd runs across the turns.
    expect(traces.map((t) => t.costUsd)).toEqual(results.map((r) => r.turnCostUsd));
    expect(traces[2]!.costUsd).toBeLessThan(results[2]!.totalCostUsd);
    const traced = traces.reduce((sum, t) => sum + t.costUsd, 0);
    expect(traced).toBeCloseTo(results[2]!.totalCostUsd, 12);
    expect(session.totalCostUsd).toBeCloseTo(results[2]!.totalCostUsd, 12);
  });
});
