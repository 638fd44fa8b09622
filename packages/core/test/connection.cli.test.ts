import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectText, type Message, type ResultMessage } from '@ccflow/parser';
import { isGone, reply, until } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeConnection } from '../src/claude-connection.ts';
import { CliConnectionProvider } from '../src/cli-connection-provider.ts';
import { CliTimeoutError, ConnectionClosedError, ControlRequestError } from '../src/errors.ts';
import { runTurn } from '../src/turn.ts';

// The live connection against the real CLI: several turns on one process, every control request ccflow sends, an
// interrupt followed by a further turn, streaming input, rewinding files, and how a turn ends early. Each `it` opens
// one CLI (about a second of start-up); the control requests share one.

const sandbox = useClaudeSandbox();
const open: ClaudeConnection[] = [];

async function connect(options: Parameters<typeof ClaudeConnection.open>[0] = {}): Promise<ClaudeConnection> {
  const connection = await ClaudeConnection.open({ ...sandbox.executorOptions, ...options });
  open.push(connection);
  return connection;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function turn(
  connection: ClaudeConnection,
  prompt: string,
  extra: Partial<Parameters<typeof runTurn>[1]> = {},
): Promise<{ messages: Message[]; result: ResultMessage; error: unknown }> {
  const messages: Message[] = [];
  let error: unknown;
  try {
    for await (const m of runTurn(connection, { prompt, ...extra })) messages.push(m);
  } catch (e) {
    error = e;
  }
  const result = messages.at(-1);
  if (result?.type !== 'result') throw new Error(`the turn ended without a result: ${String(error)}`);
  return { messages, result, error };
}

const textOf = collectText;

describe('one process, many turns', () => {
  it('serves three turns on one CLI, in one CLI session, with the history; closing ends it', async () => {
    const connection = await connect();
    const pid = connection.pid;
    sandbox.api.enqueue(reply.text('one'), reply.text('two'), reply.text('three'));
    const turns = [];
    for (const prompt of ['first', 'second', 'third']) {
      const t = await turn(connection, prompt);
      expect(t.error).toBeUndefined();
      expect(connection.pid).toBe(pid);
      expect(isGone(pid)).toBe(false);
      turns.push(t);
    }
    expect(turns.map((t) => textOf(t.messages))).toEqual(['one', 'two', 'three']);
    // every turn starts with its own init, all in the same CLI session
    const ids = turns.map(
      (t) => t.messages.find((m) => m.type === 'system' && m.subtype === 'init')?.sessionId,
    );
    expect(new Set(ids).size).toBe(1);
    expect(connection.sessionId).toBe(ids[0]);
    // the third request carries the earlier turns: 3 user and 2 assistant messages
    const third = sandbox.api.messageRequests.at(-1)?.body;
    expect(third.messages.filter((m: { role: string }) => m.role === 'assistant')).toHaveLength(2);
    // the CLI's cost is a running total over the CLI session
    const totals = turns.map((t) => t.result.totalCostUsd);
    expect(totals[1]).toBeGreaterThan(totals[0]!);
    expect(totals[2]).toBeGreaterThan(totals[1]!);

    await connection.close();
    expect(connection.isOpen).toBe(false);
    expect(isGone(pid)).toBe(true);
    await expect(connection.send('more')).rejects.toSatisfy((e) => ConnectionClosedError.isInstance(e));
  });

  it('takes streaming input: each prompt of an async iterable is a turn', async () => {
    const connection = await connect();
    sandbox.api.enqueue(reply.text('A'), reply.text('B'));
    async function* prompts() {
      yield 'first';
      yield 'second';
    }
    await connection.streamInput(prompts());
    const results: ResultMessage[] = [];
    const messages = connection.messages[Symbol.asyncIterator]();
    while (results.length < 2) {
      const step = await messages.next();
      if (step.done) break;
      if (step.value.type === 'result') results.push(step.value);
    }
    expect(results.map((r) => r.result)).toEqual(['A', 'B']);
  });
});

describe('the control protocol', () => {
  it('answers every request ccflow sends, each with its effect, and refuses an unknown one without harm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccflow-control-'));
    const file = join(dir, 'made.txt');
    const connection = await connect({
      options: { cwd: dir, mcpServers: { broken: { command: '/nonexistent/mcp-server' } } },
    });
    try {
      const init = await connection.initializationResult();
      expect(init.models.map((m) => m.value)).toContain('haiku');
      expect(init.commands.length).toBeGreaterThan(0);
      expect(init.commands[0]).toMatchObject({ name: expect.any(String), description: expect.any(String) });
      expect(await connection.supportedModels()).toEqual(init.models);
      expect(await connection.supportedCommands()).toEqual(init.commands);
      const agents = await connection.supportedAgents();
      expect(agents.map((a) => a.name)).toContain('Explore');
      expect(await connection.mcpServerStatus()).toMatchObject([{ name: 'broken', status: 'failed' }]);

      // default mode: a Write is refused (nobody to ask); after setPermissionMode it runs
      sandbox.api.enqueue(
        reply.toolUse('Write', { file_path: file, content: 'x' }),
        reply.text('could not write'),
        reply.toolUse('Write', { file_path: file, content: 'x' }),
        reply.text('wrote it on haiku'),
      );
      const first = await turn(connection, 'write it');
      expect(first.result.permissionDenials.map((d) => d.toolName)).toEqual(['Write']);
      expect(existsSync(file)).toBe(false);
      const before = sandbox.api.messageRequests.at(-1)?.body;
      await connection.setModel('haiku');
      await connection.setPermissionMode('acceptEdits');
      // accepted; the pinned CLI's models all think adaptively, and their requests do not change (measured)
      await connection.setMaxThinkingTokens(1024);
      const usage = await connection.getContextUsage({ detail: 'summary' });
      expect(usage.totalTokens).toBeGreaterThan(0);
      expect(usage.categories.map((c) => c.name)).toContain('System prompt');
      // the generic form, for what has no method
      expect(await connection.request('get_binary_version')).toMatchObject({ version: '2.1.332' });
      const refused = await connection.request('no_such_request').catch((e: unknown) => e);
      expect(ControlRequestError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ subtype: 'no_such_request', errorCode: 'unsupported_request' });

      const second = await turn(connection, 'write it again');
      expect(second.result.permissionDenials).toEqual([]);
      expect(readFileSync(file, 'utf8')).toBe('x');
      expect(textOf(second.messages)).toBe('wrote it on haiku');
      const after = sandbox.api.messageRequests.at(-1)?.body;
      expect(before.model).not.toMatch(/haiku/);
      expect(after.model).toMatch(/^claude-haiku/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('interrupt ends the running turn with its result, and the next turn runs on the same process', async () => {
    const connection = await connect();
    const pid = connection.pid;
    sandbox.api.enqueue(reply.text('never finished', { stallAfterEvents: 2 }), reply.text('after'));
    const running = turn(connection, 'long');
    await until(() => sandbox.api.messageRequests.length === 1, 10_000, 'the request');
    await connection.interrupt();
    const interrupted = await running;
    expect(interrupted.error).toBeUndefined();
    expect(interrupted.result.raw.ccflow_synthetic).toBeUndefined();
    expect(interrupted.result.subtype).toBe('error_during_execution');
    const next = await turn(connection, 'next');
    expect(next.error).toBeUndefined();
    expect(textOf(next.messages)).toBe('after');
    expect(connection.pid).toBe(pid);
  });

  it('rewindFiles puts a file back as it was before a user message (with file checkpointing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccflow-rewind-'));
    try {
      const file = join(dir, 'notes.txt');
      const connection = await connect({
        options: { cwd: dir, permissionMode: 'acceptEdits', enableFileCheckpointing: true },
      });
      sandbox.api.enqueue(
        reply.toolUse('Write', { file_path: file, content: 'v1\n' }),
        reply.text('wrote v1'),
        reply.toolUse('Write', { file_path: file, content: 'v2\n' }),
        reply.text('wrote v2'),
      );
      await turn(connection, 'write v1');
      const second = randomUUID();
      await turn(connection, 'write v2', { uuid: second });
      expect(readFileSync(file, 'utf8')).toBe('v2\n');
      const preview = await connection.rewindFiles(second, { dryRun: true });
      expect(preview).toMatchObject({ canRewind: true, filesChanged: [file] });
      expect(readFileSync(file, 'utf8')).toBe('v2\n');
      expect(await connection.rewindFiles(second)).toMatchObject({ canRewind: true });
      expect(readFileSync(file, 'utf8')).toBe('v1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a turn that ends early', () => {
  it('a turn timeout: a failed result, CliTimeoutError, and no process left', async () => {
    const connection = await connect();
    const pid = connection.pid;
    sandbox.api.enqueue(reply.text('stalls', { stallAfterEvents: 1 }));
    const t = await turn(connection, 'slow', { timeoutMs: 1500 });
    expect(t.result.raw.ccflow_synthetic).toBe(true);
    expect(CliTimeoutError.isInstance(t.error)).toBe(true);
    expect(connection.isOpen).toBe(false);
    await until(() => isGone(pid), 10_000, 'the CLI to end');
  });

  it('breaking out of a turn closes the connection: no process left', async () => {
    const connection = await connect();
    const pid = connection.pid;
    sandbox.api.enqueue(reply.text('a long answer', { eventDelayMs: 200 }));
    for await (const m of runTurn(connection, { prompt: 'go' })) {
      if (m.type === 'system') break;
    }
    expect(connection.isOpen).toBe(false);
    expect(isGone(pid)).toBe(true);
  });

  it('a provider lease is the same: released, its CLI is gone', async () => {
    await using provider = new CliConnectionProvider(sandbox.executorOptions);
    const lease = await provider.open({});
    const pid = (lease.connection as ClaudeConnection).pid;
    sandbox.api.enqueue(reply.text('leased'));
    const messages: Message[] = [];
    for await (const m of runTurn(lease.connection, { prompt: 'hi' })) messages.push(m);
    expect(textOf(messages)).toBe('leased');
    await lease.release();
    expect(isGone(pid)).toBe(true);
  });
});
