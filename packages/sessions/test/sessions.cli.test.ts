import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CliExecutor } from '@ccflow/core';
import { type ClaudeSandbox, type MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSession } from '../src/load-session.ts';
import { MemorySessionStore } from '../src/memory-session-store.ts';
import { Session } from '../src/session.ts';
import type { SessionState } from '../src/session-store.ts';

// Sessions with the real CLI: resume, fork, and a session continued in another process. Eight CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;
let api: MessagesApiStandIn;
let box: ClaudeSandbox;

beforeAll(() => {
  ({ api, box } = sandbox);
  executor = new CliExecutor(sandbox.executorOptions);
});

/** Everything the model was shown in one request, as text. */
const seen = (r: RecordedRequest | undefined) => JSON.stringify(r?.body.messages ?? []);

async function say(session: Session, text: string, answer: string): Promise<RecordedRequest> {
  api.enqueue(reply.text(answer));
  for await (const _ of session.sendMessage(text));
  return api.messageRequests.at(-1)!;
}

describe('Session with the real CLI', () => {
  it('later turns resume the same CLI session and carry the earlier ones', async () => {
    const session = new Session({ executor });
    await say(session, 'Remember the word apricot.', 'Noted: apricot.');
    const second = await say(session, 'What was the word?', 'apricot');
    expect(seen(second)).toContain('Remember the word apricot.');
    expect(seen(second)).toContain('Noted: apricot.');
    expect(second.headers['x-claude-code-session-id']).toBe(session.sessionId);
    expect(session.turnCount).toBe(2);
    expect(session.totalCostUsd).toBeGreaterThan(0);
  });

  it('fork: both branches remember the shared history and neither sees the other', async () => {
    const parent = new Session({ executor });
    await say(parent, 'Shared: the password is walrus.', 'Walrus, understood.');
    const child = await parent.fork();
    const childTurn = await say(child, 'Child branch: add banana.', 'Banana added.');
    const parentTurn = await say(parent, 'Parent branch: add cherry.', 'Cherry added.');
    const childAgain = await say(child, 'What did we add?', 'Banana.');

    for (const r of [childTurn, parentTurn, childAgain]) expect(seen(r)).toContain('the password is walrus');
    expect(seen(parentTurn)).not.toContain('banana');
    expect(seen(childAgain)).toContain('Child branch: add banana.');
    expect(seen(childAgain)).not.toContain('cherry');
    expect(childTurn.headers['x-claude-code-session-id']).toBe(child.sessionId);
    expect(parentTurn.headers['x-claude-code-session-id']).toBe(parent.sessionId);
  });

  it('a session saved in one process is continued in another', async () => {
    api.enqueue(reply.text('Teal it is.'));
    // Asynchronously: the stand-in answering the child's CLI lives in this process's event loop.
    const child = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@ccflow/source',
        new URL('./first-turn-child.ts', import.meta.url).pathname,
        JSON.stringify({ cliPath: box.cliPath, env: box.env, cwd: box.cwd }),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const stored = JSON.parse(child.stdout, (k, v) =>
      k === 'createdAt' || k === 'updatedAt' ? new Date(v) : v,
    ) as SessionState;
    expect(stored).toMatchObject({ turnCount: 1, tags: ['cross-process'], status: 'active' });

    const store = new MemorySessionStore();
    // New to this store: version 0 (the child's store had it at version 3).
    expect(stored.version).toBe(3);
    await store.save({ ...stored, version: 0 });
    const session = await loadSession(stored.sessionId, store, { executor });
    const next = await say(session!, 'What is my favourite colour?', 'Teal.');
    expect(seen(next)).toContain('My favourite colour is teal.');
    expect(seen(next)).toContain('Teal it is.');
    expect(JSON.stringify(next.body.system)).toContain('You are a test.');
    expect((await store.load(stored.sessionId))?.turnCount).toBe(2);
  });
});
