import { randomUUID } from 'node:crypto';
import { query, querySimple } from '@ccflow/core';
import { collectText, type Message, type ResultMessage } from '@ccflow/parser';
import { Session } from '@ccflow/sessions';
import {
  isGone,
  killAll,
  processesWithCmdline,
  processesWithEnv,
  type RecordedRequest,
  reply,
  until,
} from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { residentBytes } from '../src/process-memory.ts';
import { WarmPool, type WarmPoolOptions } from '../src/warm-pool.ts';

// The warm pool with the real CLI: reuse with isolation, a killed process replaced, TTL and memory eviction,
// shutdown leaving nothing, a live Session and query() on the pool. Each test starts one or two CLIs.

const sandbox = useClaudeSandbox();
const pools: WarmPool[] = [];
/** In every CLI's environment, so what a test started can be found in /proc. */
const mark = `CCFLOW_POOL_TEST=${randomUUID()}`;

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  killAll(processesWithEnv(mark)); // a safety net: the tests assert nothing is left
});

function warmPool(options: WarmPoolOptions = {}): WarmPool {
  const { env, ...rest } = sandbox.executorOptions;
  const [name, value] = mark.split('=') as [string, string];
  const pool = new WarmPool({ ...rest, env: { ...env, [name]: value }, ...options });
  pools.push(pool);
  return pool;
}

async function ask(pool: WarmPool, prompt: string, answer: string): Promise<ResultMessage> {
  sandbox.api.enqueue(reply.text(answer));
  const messages: Message[] = [];
  for await (const m of pool.execute({ prompt })) messages.push(m);
  const result = messages.at(-1);
  if (result?.type !== 'result' || result.isError)
    throw new Error(`no success result: ${JSON.stringify(result)}`);
  expect(collectText(messages)).toBe(answer);
  return result;
}

const seen = (request: RecordedRequest | undefined) => JSON.stringify(request?.body.messages ?? []);

describe('reuse across independent queries', () => {
  it('serves the next query on the same process, reset: a new session id, nothing of the earlier query sent', async () => {
    const pool = warmPool({ minProcesses: 1, maxProcesses: 1 });
    await pool.ready();
    const [pid] = pool.pids;
    const first = await ask(pool, 'My secret word is apricot.', 'Noted.');
    await until(() => pool.stats.idle === 1, 10_000, 'the reset');
    const second = await ask(pool, 'What is my secret word?', 'I do not know.');

    expect(pool.pids).toEqual([pid]);
    expect(isGone(pid!)).toBe(false);
    expect(second.sessionId).not.toBe(first.sessionId);
    const [a, b] = sandbox.api.messageRequests;
    expect(seen(a)).toContain('apricot'); // the check below can fail
    expect(seen(b)).toContain('What is my secret word?');
    expect(seen(b)).not.toContain('apricot');
    expect(seen(b)).not.toContain('Noted.');
    expect(sandbox.api.messageRequests).toHaveLength(2); // the reset itself asks the model nothing
  });
});

describe('what /clear does not reset', () => {
  it('a background task still running after /clear: the process is not reused, it ends with the task', async () => {
    const pool = warmPool({ minProcesses: 1, warmOptions: { allowedTools: ['Bash'] } });
    await pool.ready();
    const [pid] = pool.pids;
    const marker = `bg-${randomUUID()}`;
    sandbox.api.enqueue(
      reply.toolUse('Bash', {
        command: `sleep 120; echo ${marker}`,
        run_in_background: true,
        description: 'bg',
      }),
      reply.text('Started.'),
    );
    const messages: Message[] = [];
    for await (const m of pool.execute({ prompt: 'Start it.', options: { allowedTools: ['Bash'] } })) {
      messages.push(m);
    }
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false });
    expect(processesWithCmdline(marker)).not.toEqual([]); // the task runs (the checks below can fail)
    await until(() => isGone(pid!), 10_000, 'the process ended');
    await until(() => processesWithCmdline(marker).length === 0, 5000, 'the task ended');
    await until(() => pool.stats.idle === 1, 10_000, 'a replacement');
    expect(pool.pids).not.toContain(pid);
  });
});

describe('health', () => {
  it('replaces a process killed while idle: the next query runs on a new one', async () => {
    const pool = warmPool({ minProcesses: 1, maxProcesses: 2 });
    await pool.ready();
    const [pid] = pool.pids;
    process.kill(pid!, 'SIGKILL');
    await until(() => isGone(pid!), 5000, 'the kill');
    await ask(pool, 'Still there?', 'Yes.');
    expect(pool.pids).not.toContain(pid);
    await until(() => pool.stats.idle === 1, 10_000, 'a warm process again');
  });

  it('ends a process idle longer than idleTtlMs', async () => {
    const pool = warmPool({ minProcesses: 0, idleTtlMs: 300 });
    await ask(pool, 'Hello.', 'Hi.');
    const [pid] = pool.pids;
    await until(() => pool.stats.idle === 1, 10_000, 'the reset');
    expect(isGone(pid!)).toBe(false);
    await until(() => isGone(pid!), 5000, 'the idle process ended');
    expect(pool.pids).toEqual([]);
  });

  it('ends a used process whose memory is over maxRssBytes; a fresh one at its baseline stays', async () => {
    const cap = 64 * 1024 * 1024;
    const pool = warmPool({ minProcesses: 1, maxRssBytes: cap });
    await pool.ready();
    const [pid] = pool.pids;
    const idleRss = residentBytes(pid!)!;
    expect(idleRss).toBeGreaterThan(cap); // measured: an idle CLI holds ~165 MB here
    await new Promise((r) => setTimeout(r, 1100)); // a sweep or more: an unused process is not churned
    expect(pool.pids).toEqual([pid]);
    await ask(pool, 'Hello.', 'Hi.');
    await until(() => isGone(pid!), 5000, 'the process over the cap ended');
    await until(() => pool.stats.idle === 1, 10_000, 'its replacement');
  });
});

describe('shutdown', () => {
  it('ends every process: idle, resetting and leased, with nothing left in /proc', async () => {
    const pool = warmPool({ minProcesses: 2, maxProcesses: 3 });
    await pool.ready();
    await ask(pool, 'One.', 'One.');
    const lease = await pool.open({ options: { model: 'haiku' } }); // a third process, leased between turns
    const pids = pool.pids;
    expect(pids).toHaveLength(3);
    expect(processesWithEnv(mark).length).toBeGreaterThanOrEqual(3);
    await pool.close();
    for (const pid of pids) expect(isGone(pid)).toBe(true);
    expect(processesWithEnv(mark)).toEqual([]);
    expect(lease.connection.isOpen).toBe(false);
    await lease.release();
  });
});

describe('as a provider and an executor', () => {
  it('a live Session holds one process of its own across its turns, ended when the session closes', async () => {
    const pool = warmPool({ minProcesses: 1 });
    await pool.ready();
    const [warm] = pool.pids;
    const session = new Session({ provider: pool, options: sandbox.executorOptions.defaultOptions });
    for (const [text, answer] of [
      ['Remember the word basil.', 'Noted: basil.'],
      ['What was the word?', 'basil'],
    ] as const) {
      sandbox.api.enqueue(reply.text(answer));
      for await (const m of session.sendMessage(text)) void m;
    }
    const own = pool.pids.filter((pid) => pid !== warm);
    expect(own).toHaveLength(1); // its own process: it names its CLI session (never a reset one of another)
    expect(seen(sandbox.api.messageRequests[1])).toContain('Remember the word basil.');
    await session.close();
    await until(() => isGone(own[0]!), 5000, 'the session process ended');
    expect(pool.pids).toEqual([warm]);
  });

  it('query() and querySimple() run on it as an executor', async () => {
    const pool = warmPool({ minProcesses: 1 });
    await pool.ready();
    sandbox.api.enqueue(reply.text('Four.'), reply.text('Five.'));
    const messages: Message[] = [];
    for await (const m of query('Two plus two?', {}, { executor: pool })) messages.push(m);
    expect(collectText(messages)).toBe('Four.');
    await until(() => pool.stats.idle === 1, 10_000, 'the reset');
    expect(await querySimple('Two plus three?', {}, { executor: pool })).toBe('Five.');
    expect(pool.pids).toHaveLength(1);
  });
});
