import { CliExecutor } from '@ccflow/core';
import type { Message, ResultMessage } from '@ccflow/parser';
import { type ClaudeSandbox, type MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { renameCliSession, tagCliSession } from '../src/cli-session-edits.ts';
import { getCliSessionInfo, listCliSessions } from '../src/cli-session-files.ts';
import { listCliSubagents, readCliSessionMessages } from '../src/cli-session-reader.ts';
import { importCliSessions } from '../src/import-cli-sessions.ts';
import { loadSession } from '../src/load-session.ts';
import { MemorySessionStore } from '../src/memory-session-store.ts';
import { Session } from '../src/session.ts';

// The files the pinned CLI writes, read back: one CLI session of four turns (two by a Session, one resumed by the
// CLI itself by the title ccflow gave it, one by a Session loaded from the store it was imported into). Four runs.

const sandbox = useClaudeSandbox();
let api: MessagesApiStandIn;
let box: ClaudeSandbox;
let executor: CliExecutor;

beforeAll(() => {
  ({ api, box } = sandbox);
  executor = new CliExecutor(sandbox.executorOptions);
});

const seen = (r: RecordedRequest | undefined) => JSON.stringify(r?.body.messages ?? []);

async function turn(session: Session, text: string): Promise<ResultMessage> {
  let result: ResultMessage | undefined;
  for await (const m of session.sendMessage(text)) if (m.type === 'result') result = m;
  return result!;
}

async function all(stream: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of stream) out.push(m);
  return out;
}

describe("the CLI's own session files", () => {
  it('list, read, rename, tag and import what the pinned CLI wrote; a Session resumes the imported one', async () => {
    const configDir = box.configDir;
    const session = new Session({ executor, options: { allowedTools: ['Bash'] } });
    const id = session.sessionId;
    api.enqueue(reply.text('Noted: apricot.'));
    await turn(session, 'Remember the word apricot.');
    api.enqueue(
      reply.toolUse('Bash', { command: 'echo ccflow-tool-ran', description: 'echo' }),
      reply.text('The tool said ccflow-tool-ran.'),
    );
    await turn(session, 'Run the echo tool.');

    // Listed under its working directory, with the CLI's own first prompt as title.
    const listed = await listCliSessions({ configDir, cwd: box.cwd });
    expect(listed.map((s) => s.sessionId)).toEqual([id]);
    expect(listed[0]).toMatchObject({
      cwd: box.cwd,
      filePath: box.sessionFile(id),
      title: 'Remember the word apricot.',
      firstPrompt: 'Remember the word apricot.',
      lastPrompt: 'Run the echo tool.',
    });
    expect(listed[0]!.createdAt.getTime()).toBeLessThan(listed[0]!.updatedAt.getTime());
    expect(await listCliSessions({ configDir, cwd: '/nowhere' })).toEqual([]);

    // The transcript as typed messages, in order: the prompts, the answers, the tool call and its result.
    const messages = await all(readCliSessionMessages(id, { configDir }));
    const conversation = messages.flatMap((m) => {
      if (m.type === 'user' && !m.isSynthetic && typeof m.content === 'string') return [`user: ${m.content}`];
      if (m.type === 'text') return [`text: ${m.content}`];
      if (m.type === 'tool_use') return [`tool_use: ${m.tool} ${JSON.stringify(m.args)}`];
      if (m.type === 'tool_result') return [`tool_result: ${m.tool} ${m.result.trim()}`];
      return [];
    });
    expect(conversation).toEqual([
      'user: Remember the word apricot.',
      'text: Noted: apricot.',
      'user: Run the echo tool.',
      'tool_use: Bash {"command":"echo ccflow-tool-ran","description":"echo"}',
      'tool_result: Bash ccflow-tool-ran',
      'text: The tool said ccflow-tool-ran.',
    ]);
    expect(messages.every((m) => m.type === 'error' || m.sessionId === id)).toBe(true);
    expect(messages.some((m) => m.type === 'unknown' && m.rawType === 'cost-state')).toBe(true);
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(await listCliSubagents(id, { configDir })).toEqual([]);

    // Renamed by ccflow, the CLI finds the session by that name: `--resume <name>` continues it.
    await renameCliSession(id, 'Apricot notes', { configDir });
    api.enqueue(reply.text('It was apricot.'));
    const resumed = await box.run(
      ['-p', '--output-format', 'stream-json', '--verbose', '--resume', 'Apricot notes'],
      { stdin: 'Which word was it?' },
    );
    expect(resumed.exitCode).toBe(0);
    const cliResult = resumed.lines.find((l) => (l as { type?: string }).type === 'result') as {
      session_id: string;
      total_cost_usd: number;
    };
    expect(cliResult.session_id).toBe(id);
    expect(seen(api.messageRequests.at(-1))).toContain('Remember the word apricot.');
    await tagCliSession(id, 'fruit', { configDir });
    expect(await getCliSessionInfo(id, { configDir })).toMatchObject({
      title: 'Apricot notes',
      tag: 'fruit',
    });

    // Imported: turns, the CLI's running cost, title and tag; a second import adds nothing.
    const store = new MemorySessionStore();
    expect(await importCliSessions(store, { configDir })).toMatchObject({ imported: 1, failed: 0 });
    const state = (await store.load(id))!;
    expect(state).toMatchObject({
      turnCount: 3,
      title: 'Apricot notes',
      tags: ['fruit'],
      options: { cwd: box.cwd },
      metadata: { importedFrom: 'claude-cli' },
    });
    expect(state.totalCostUsd).toBeCloseTo(cliResult.total_cost_usd, 6);
    expect(state.totalInputTokens).toBeGreaterThan(0);
    expect(state.model).toBe(session.state.model);
    const before = await store.list();
    expect(await importCliSessions(store, { configDir })).toMatchObject({
      imported: 0,
      updated: 0,
      skipped: 1,
    });
    expect(await store.list()).toEqual(before);

    // A Session loaded from the store resumes the CLI session: the model sees the whole conversation.
    const loaded = (await loadSession(id, store, { executor }))!;
    api.enqueue(reply.text('Apricot, still.'));
    await turn(loaded, 'And now?');
    const request = api.messageRequests.at(-1);
    expect(request?.headers['x-claude-code-session-id']).toBe(id);
    for (const earlier of ['Remember the word apricot.', 'ccflow-tool-ran', 'Which word was it?'])
      expect(seen(request)).toContain(earlier);
    expect(await store.load(id)).toMatchObject({ turnCount: 4, title: 'Apricot notes', tags: ['fruit'] });
  });
});
