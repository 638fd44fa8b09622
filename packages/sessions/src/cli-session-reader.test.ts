import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigurationError, SessionNotFoundError } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answer, CliTranscripts, prompt, toolResult } from '../test/cli-transcripts.ts';
import { listCliSubagents, readCliSessionMessages } from './cli-session-reader.ts';

let files: CliTranscripts;
beforeEach(() => {
  files = new CliTranscripts();
});
afterEach(() => files.close());

async function all(stream: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of stream) out.push(m);
  return out;
}

describe('readCliSessionMessages', () => {
  const id = randomUUID();

  it('gives user and assistant entries as typed messages with their views, in file order', async () => {
    files.write(id, [
      { type: 'queue-operation', operation: 'enqueue', sessionId: id, content: 'List files' },
      prompt(id, 'List files'),
      answer(id, { type: 'thinking', thinking: 'Use ls.', signature: 's' }, 'msg_1'),
      answer(id, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }, 'msg_1'),
      toolResult(id, 'toolu_1', 'a.txt'),
      answer(id, { type: 'text', text: 'One file: a.txt' }, 'msg_2'),
      prompt(id, '<system-reminder>x</system-reminder>', { isMeta: true }),
    ]);
    const messages = await all(readCliSessionMessages(id, { configDir: files.configDir }));
    expect(messages.map((m) => m.type)).toEqual([
      'unknown',
      'user',
      'assistant',
      'thinking',
      'assistant',
      'tool_use',
      'user',
      'tool_result',
      'assistant',
      'text',
      'user',
    ]);
    expect(messages[0]).toMatchObject({ type: 'unknown', rawType: 'queue-operation', sessionId: id });
    expect(messages[1]).toMatchObject({ content: 'List files', sessionId: id, isSynthetic: false });
    expect(messages[5]).toMatchObject({ tool: 'Bash', toolUseId: 'toolu_1', args: { command: 'ls' } });
    expect(messages[6]).toMatchObject({ toolUseResult: { stdout: 'a.txt' } });
    expect(messages[7]).toMatchObject({ tool: 'Bash', result: 'a.txt', isError: false });
    expect(messages[8]).toMatchObject({ messageId: 'msg_2', model: 'opus', textContent: 'One file: a.txt' });
    expect(messages[9]).toMatchObject({ content: 'One file: a.txt', parentToolUseId: null });
    expect(messages[10]).toMatchObject({ type: 'user', isSynthetic: true });
  });

  it('never throws on a line: not JSON, not an object, a user entry without content, a cut last line', async () => {
    files.write(id, [
      'not json\n',
      '42\n',
      { type: 'user', sessionId: id },
      { type: 'brand-new-kind', sessionId: id, x: 1 },
      prompt(id, 'still read'),
      '{"type":"assistant","message":{"content":[{"type":"te',
    ]);
    const messages = await all(readCliSessionMessages(id, { configDir: files.configDir }));
    expect(messages.map((m) => (m.type === 'error' ? `error:${m.code}:${m.line}` : m.type))).toEqual([
      'error:invalid_json:1',
      'error:invalid_message:2',
      'error:invalid_message:3',
      'unknown',
      'user',
      'error:invalid_json:6',
    ]);
    expect(messages[3]).toMatchObject({ rawType: 'brand-new-kind', raw: { x: 1 } });
  });

  it('a line over maxLineBytes is an error message and the lines after it are still read', async () => {
    files.write(id, [prompt(id, 'z'.repeat(5000)), prompt(id, 'after')]);
    const messages = await all(
      readCliSessionMessages(id, { configDir: files.configDir, maxLineBytes: 1000 }),
    );
    expect(messages.map((m) => m.type)).toEqual(['error', 'user']);
    expect(messages[0]).toMatchObject({ code: 'line_too_long' });
  });

  it('SessionNotFoundError for an unknown session or subagent; ConfigurationError for a bad id', async () => {
    const missing = await all(readCliSessionMessages(randomUUID(), { configDir: files.configDir })).catch(
      (e) => e,
    );
    expect(SessionNotFoundError.isInstance(missing)).toBe(true);
    files.write(id, [prompt(id, 'x')]);
    const noAgent = await all(
      readCliSessionMessages(id, { configDir: files.configDir, agentId: 'nope' }),
    ).catch((e) => e);
    expect(SessionNotFoundError.isInstance(noAgent)).toBe(true);
    for (const bad of [
      { id: 'x/../../y', agentId: undefined },
      { id, agentId: '../../etc' },
    ]) {
      const error = await all(
        readCliSessionMessages(bad.id, { configDir: files.configDir, agentId: bad.agentId }),
      ).catch((e) => e);
      expect(ConfigurationError.isInstance(error)).toBe(true);
    }
  });
});

describe('subagent transcripts (<projectDir>/<sessionId>/subagents/)', () => {
  it('are listed with their meta and read with the Agent call as parentToolUseId', async () => {
    const id = randomUUID();
    const file = files.write(id, [prompt(id, 'delegate')]);
    const dir = join(dirname(file), id, 'subagents');
    mkdirSync(dir, { recursive: true });
    const entry = {
      ...answer(id, { type: 'text', text: 'from the subagent' }),
      isSidechain: true,
      agentId: 'a1',
    };
    writeFileSync(join(dir, 'agent-a1.jsonl'), `${JSON.stringify(entry)}\n`);
    writeFileSync(
      join(dir, 'agent-a1.meta.json'),
      JSON.stringify({ agentType: 'general-purpose', description: 'look', toolUseId: 'toolu_9' }),
    );
    writeFileSync(join(dir, 'agent-a2.jsonl'), '');

    const agents = await listCliSubagents(id, { configDir: files.configDir });
    expect(agents).toEqual([
      {
        agentId: 'a1',
        filePath: join(dir, 'agent-a1.jsonl'),
        agentType: 'general-purpose',
        description: 'look',
        toolUseId: 'toolu_9',
        sizeBytes: expect.any(Number),
      },
      expect.objectContaining({ agentId: 'a2', agentType: undefined, sizeBytes: 0 }),
    ]);
    const messages = await all(readCliSessionMessages(id, { configDir: files.configDir, agentId: 'a1' }));
    expect(messages.map((m) => m.type)).toEqual(['assistant', 'text']);
    expect(messages[1]).toMatchObject({ content: 'from the subagent', parentToolUseId: 'toolu_9' });
  });

  it('a session without subagents has none', async () => {
    const id = randomUUID();
    files.write(id, [prompt(id, 'alone')]);
    expect(await listCliSubagents(id, { configDir: files.configDir })).toEqual([]);
  });
});
