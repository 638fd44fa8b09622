import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { Session } from './session.ts';
import type { SessionFork, TurnEnd, TurnObserver } from './turn-observer.ts';

async function drain(stream: AsyncIterable<Message>): Promise<void> {
  for await (const _ of stream);
}

function turn(sessionId: string): Message[] {
  return [
    mockLines.init({ sessionId }),
    mockLines.text('Hi.'),
    mockLines.result({ sessionId, result: 'Hi.' }),
  ].map((line) => line as unknown as Message);
}

/** Records what it sees, per session. */
function recorder(): TurnObserver & { seen: string[]; ends: TurnEnd[] } {
  const seen: string[] = [];
  const ends: TurnEnd[] = [];
  return {
    seen,
    ends,
    startTurn: ({ session, prompt, send }) => {
      seen.push(`start ${session.sessionId} ${String(prompt)} ${JSON.stringify(send.metadata ?? {})}`);
      return {
        message: (m) => seen.push(m.type),
        end: (end) => {
          ends.push(end);
        },
      };
    },
  };
}

describe('turn observers', () => {
  it('see each turn start, every message as it is yielded, and the end with the result; forks keep them', async () => {
    const executor = new MockExecutor();
    const observer = recorder();
    const session = new Session({ executor, observers: [observer] });
    executor.enqueue(turn(session.sessionId));
    await drain(session.sendMessage('hello', { metadata: { user: 'ada' } }));
    expect(observer.seen).toEqual([
      `start ${session.sessionId} hello {"user":"ada"}`,
      'system',
      'assistant',
      'text',
      'result',
    ]);
    expect(observer.ends).toHaveLength(1);
    expect(observer.ends[0]).toMatchObject({ threw: false, error: undefined, result: { type: 'result' } });

    const fork = await session.fork();
    executor.enqueue(turn(fork.sessionId));
    await drain(fork.sendMessage('again'));
    expect(observer.seen).toContain(`start ${fork.sessionId} again {}`);
  });

  it('a refused call starts no turn; a throwing startTurn fails the turn before the CLI runs', async () => {
    const executor = new MockExecutor();
    const failing: TurnObserver = {
      startTurn: () => {
        throw new Error('no recording today');
      },
    };
    const session = new Session({ executor, observers: [failing] });
    await expect(drain(session.sendMessage('x'))).rejects.toThrow('no recording today');
    expect(executor.requests).toHaveLength(0);
    expect(session.status).toBe('error');

    const observer = recorder();
    const closed = new Session({ executor, observers: [observer] });
    await closed.close();
    await expect(drain(closed.sendMessage('x'))).rejects.toThrow(/closed/);
    expect(observer.seen).toEqual([]);
  });

  it('an execution that throws ends the watch with threw and the error', async () => {
    const executor = new MockExecutor();
    const observer = recorder();
    const session = new Session({ executor, observers: [observer] });
    const boom = new Error('boom');
    executor.enqueue(async function* () {
      yield mockLines.init({ sessionId: session.sessionId }) as unknown as Message;
      throw boom;
    });
    await expect(drain(session.sendMessage('x'))).rejects.toBe(boom);
    expect(observer.ends[0]).toMatchObject({ threw: true, error: boom, result: undefined });
  });

  it('are told of each fork and branch: the new session, the one it branches from and where', async () => {
    const executor = new MockExecutor();
    const forks: SessionFork[] = [];
    const observer: TurnObserver = { startTurn: () => undefined, forked: (fork) => void forks.push(fork) };
    const session = new Session({ executor, observers: [observer] });
    executor.enqueue(turn(session.sessionId));
    await drain(session.sendMessage('hello'));
    const fork = await session.fork();
    const branch = await Session.branch(session.sessionId, { executor, observers: [observer], at: 'u-3' });
    // Sessions keep their state in private fields (toEqual would match any two): compare them by identity.
    expect(forks.map((f) => [f.session === fork, f.parent === session, f.from, f.at])).toEqual([
      [true, true, session.sessionId, undefined],
      [false, false, session.sessionId, 'u-3'],
    ]);
    expect(forks[1]?.session).toBe(branch);
    expect(forks[1]?.parent).toBeUndefined();
    // A plain observer needs no `forked`.
    await new Session({ executor, observers: [recorder()] }).fork();
  });
});
