import {
  type ClaudeConnection,
  CliConnectionProvider,
  CliExecutor,
  type ConnectionLease,
  type ConnectionProvider,
  type OpenRequest,
} from '@ccflow/core';
import type { Message, ResultMessage } from '@ccflow/parser';
import { type MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../src/session.ts';

// Live sessions with the real CLI: one process across turns, a model change, a respawn, interrupt, a lost process;
// and interrupt without a provider. Ten CLI processes.

const sandbox = useClaudeSandbox();
let api: MessagesApiStandIn;
let provider: RecordingProvider;

/** The spawner, recording the connections it opened (their pids). */
class RecordingProvider implements ConnectionProvider {
  readonly specificationVersion = 'v1';
  readonly connections: ClaudeConnection[] = [];
  readonly #inner: CliConnectionProvider;
  constructor(inner: CliConnectionProvider) {
    this.#inner = inner;
  }
  async open(request: OpenRequest): Promise<ConnectionLease> {
    const lease = await this.#inner.open(request);
    this.connections.push(lease.connection as ClaudeConnection);
    return lease;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#inner[Symbol.asyncDispose]();
  }
}

beforeAll(() => {
  ({ api } = sandbox);
});
afterEach(async () => {
  await provider?.[Symbol.asyncDispose]();
});
const newProvider = () => {
  provider = new RecordingProvider(new CliConnectionProvider(sandbox.executorOptions));
  return provider;
};

/** Everything the model was shown in one request, as text. */
const seen = (r: RecordedRequest | undefined) => JSON.stringify(r?.body.messages ?? []);

async function say(session: Session, text: string, answer: string): Promise<ResultMessage> {
  api.enqueue(reply.text(answer));
  let result: ResultMessage | undefined;
  for await (const m of session.sendMessage(text)) if (m.type === 'result') result = m;
  return result!;
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a live Session with the real CLI', () => {
  it('runs three turns on one process, each carrying the earlier ones; its cost is the CLI total', async () => {
    const session = new Session({ provider: newProvider() });
    const results = [
      await say(session, 'Remember the word apricot.', 'Noted: apricot.'),
      await say(session, 'And the word basil.', 'Noted: basil.'),
      await say(session, 'What were the words?', 'apricot, basil'),
    ];
    expect(provider.connections).toHaveLength(1);
    expect(api.messageRequests).toHaveLength(3);
    const third = api.messageRequests[2];
    expect(seen(third)).toContain('Remember the word apricot.');
    expect(seen(third)).toContain('Noted: basil.');
    expect(third?.headers['x-claude-code-session-id']).toBe(session.sessionId);
    expect(results.map((r) => r.isError)).toEqual([false, false, false]);
    expect(session.turnCount).toBe(3);
    // total_cost_usd runs across the process's turns; the session adds each turn's own cost.
    expect(results[2]!.totalCostUsd).toBeGreaterThan(results[0]!.totalCostUsd);
    expect(session.totalCostUsd).toBeCloseTo(results[2]!.totalCostUsd, 12);
    // Each result's usage is its own turn's (not a running total): the session's token totals add up.
    expect(results[2]!.usage.inputTokens).toBeLessThan(results[0]!.usage.inputTokens * 2);
    expect(session.totalInputTokens).toBe(results.reduce((sum, r) => sum + r.usage.inputTokens, 0));
    const connection = provider.connections[0]!;
    await session.close();
    expect(connection.isOpen).toBe(false);
  });

  it('changes the model between turns by control request, on the same process', async () => {
    const session = new Session({ provider: newProvider(), options: { model: 'sonnet' } });
    await say(session, 'First.', 'One.');
    await session.setOptions({ model: 'haiku' });
    await say(session, 'Second.', 'Two.');
    expect(api.messageRequests.map((r) => r.body.model)).toEqual(['claude-sonnet-5-5', 'claude-haiku-5-5']);
    expect(seen(api.messageRequests[1])).toContain('First.');
    expect(provider.connections).toHaveLength(1);
    expect(session.state.model).toBe('haiku');
    await session.close();
  });

  it('starts a new process that resumes the session when an option the CLI takes at start-up changes', async () => {
    const session = new Session({ provider: newProvider() });
    await say(session, 'Remember the word cedar.', 'Noted: cedar.');
    // The output cap reaches the CLI through its environment: only a new process takes it.
    await session.setOptions({ maxTokens: 1000 });
    await say(session, 'What was the word?', 'cedar');
    expect(provider.connections).toHaveLength(2);
    expect(provider.connections[0]!.isOpen).toBe(false);
    const second = api.messageRequests[1]!;
    expect(api.messageRequests.map((r) => r.body.max_tokens)).toEqual([128_000, 1000]);
    expect(seen(second)).toContain('Remember the word cedar.');
    expect(second.headers['x-claude-code-session-id']).toBe(session.sessionId);
    await session.close();
  });

  it('interrupt(): the turn ends with its result and the same process takes the next turn', async () => {
    const session = new Session({ provider: newProvider() });
    api.enqueue(reply.text('This answer never finishes.', { stallAfterEvents: 3 }));
    const first = (async () => {
      const messages: Message[] = [];
      for await (const m of session.sendMessage('Write a long essay.')) messages.push(m);
      return messages;
    })();
    await until(() => api.messageRequests.length === 1);
    await session.interrupt();
    const result = (await first).find((m) => m.type === 'result');
    expect(result).toMatchObject({ isError: true, subtype: 'error_during_execution' });
    expect(result?.raw.ccflow_synthetic).toBeUndefined();

    const next = await say(session, 'Just say done.', 'Done.');
    expect(next).toMatchObject({ isError: false, result: 'Done.' });
    expect(provider.connections).toHaveLength(1);
    expect(seen(api.messageRequests[1])).toContain('Write a long essay.');
    expect(session.turnCount).toBe(2);
    expect(session.status).toBe('active');
    await session.close();
  });

  it('a lost process is replaced on the next turn, which resumes the session with its history', async () => {
    const session = new Session({ provider: newProvider() });
    await say(session, 'Remember the word damson.', 'Noted: damson.');
    const lost = provider.connections[0]!;
    process.kill(lost.pid, 'SIGKILL');
    await until(() => !lost.isOpen);

    const result = await say(session, 'What was the word?', 'damson');
    expect(result.isError).toBe(false);
    expect(provider.connections).toHaveLength(2);
    expect(provider.connections[1]!.pid).not.toBe(lost.pid);
    const second = api.messageRequests[1]!;
    expect(seen(second)).toContain('Remember the word damson.');
    expect(second.headers['x-claude-code-session-id']).toBe(session.sessionId);
    expect(session.turnCount).toBe(2);
    await session.close();
  });

  it('interrupt() without a provider stops the CLI: the turn ends with a failed result, the next one resumes', async () => {
    const session = new Session({ executor: new CliExecutor(sandbox.executorOptions) });
    await say(session, 'Remember the word elder.', 'Noted: elder.');
    api.enqueue(reply.text('This answer never finishes.', { stallAfterEvents: 3 }));
    const second = (async () => {
      const messages: Message[] = [];
      for await (const m of session.sendMessage('Write a long essay.')) messages.push(m);
      return messages;
    })();
    await until(() => api.messageRequests.length === 2);
    await session.interrupt();
    const result = (await second).find((m) => m.type === 'result');
    expect(result).toMatchObject({ isError: true, raw: { ccflow_synthetic: true } });
    expect(session.status).toBe('active'); // asked for, not a failure

    const third = await say(session, 'What was the word?', 'elder');
    expect(third.isError).toBe(false);
    expect(seen(api.messageRequests[2])).toContain('Remember the word elder.');
    expect(api.messageRequests[2]?.headers['x-claude-code-session-id']).toBe(session.sessionId);
    expect(session.status).toBe('active');
  });
});
