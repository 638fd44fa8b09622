import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@ccflow/parser';
import { FAULT_CLI_PATH, faultEnv, fixturePath, killAll, processesWithEnv } from '@ccflow/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';

// The real CLI does not print JSON nested thousands deep; the fault CLI prints what a broken or hostile one could.
const TEXT = fixturePath('text');
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-deep-'));
});
afterEach(() => {
  killAll(processesWithEnv(dir));
  rmSync(dir, { recursive: true, force: true });
});

it('lines nested 5,000 deep, bare and in a tool result, reach the caller as messages, not a RangeError', async () => {
  const toolResult = JSON.stringify({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '@' }] },
  }).replace('"@"', deep(5000));
  const executor = new CliExecutor({
    cliPath: FAULT_CLI_PATH,
    env: {
      PATH: process.env.PATH,
      CCFLOW_TEST_DIR: dir,
      ...faultEnv({ steps: [{ print: deep(5000) }, { print: toolResult }, { replay: TEXT }] }),
    },
  });
  const messages: Message[] = [];
  for await (const m of executor.execute({ prompt: 'hi' })) messages.push(m);
  expect(messages[0]).toMatchObject({ type: 'error', code: 'invalid_message', line: 1, text: deep(5000) });
  expect(messages.slice(1, 3)).toMatchObject([{ type: 'user' }, { type: 'tool_result', result: deep(4999) }]);
  expect(messages.at(-1)).toMatchObject({ type: 'result', subtype: 'success' });
});
