import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_CLI_PATH, faultEnv, fixturePath } from '@ccflow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import { decodeContextBlock } from '../src/context-block.ts';
import { ConfigurationError } from '../src/errors.ts';
import type { ExecuteRequest } from '../src/executor.ts';
import { batchQuery } from '../src/query.ts';

// What CliExecutor refuses before starting anything, and what it sends instead of ignoring: the fault CLI records
// its stdin and argv to a file when it runs at all.

const TEXT = fixturePath('text');
let dir: string;
let record: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-refusals-'));
  record = join(dir, 'record.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const executor = (env: Record<string, string> = {}) =>
  new CliExecutor({
    cliPath: FAULT_CLI_PATH,
    env: {
      PATH: process.env.PATH,
      ...faultEnv({ steps: [{ waitStdin: 'line' }, { waitStdin: 'line' }, { replay: TEXT }], record }),
      ...env,
    },
  });

async function run(ex: CliExecutor, request: ExecuteRequest): Promise<{ count: number; error: unknown }> {
  let count = 0;
  try {
    for await (const _ of ex.execute(request)) count++;
  } catch (error) {
    return { count, error };
  }
  return { count, error: undefined };
}

/** The prompt the CLI got on stdin. */
const sentPrompt = (): string => {
  const lines = (JSON.parse(readFileSync(record, 'utf8')).stdin as string).trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '').message.content;
};

describe('refused before the CLI starts', () => {
  it.each<[string, ExecuteRequest, string, RegExp]>([
    ['an empty prompt', { prompt: '' }, 'prompt', /empty or only whitespace/],
    ['a whitespace prompt', { prompt: ' \n\t ' }, 'prompt', /empty or only whitespace/],
    ['a prompt that is not a string', { prompt: 42 as never }, 'prompt', /must be a string/],
    ['options: null', { prompt: 'hi', options: null as never }, 'options', /got null/],
    ['options: a string', { prompt: 'hi', options: 'opus' as never }, 'options', /got a string/],
    [
      'a misspelt option',
      { prompt: 'hi', options: { maxBudgetUSD: 0.01 } as never },
      'maxBudgetUSD',
      /maxBudgetUsd/,
    ],
    ["the reference's timeout", { prompt: 'hi', options: { timeout: 300 } as never }, 'timeout', /timeoutMs/],
  ])('%s', async (_what, request, field, message) => {
    const { count, error } = await run(executor(), request);
    expect(count).toBe(0);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field });
    expect((error as Error).message).toMatch(message);
    expect(existsSync(record)).toBe(false);
  });
});

describe('configuration', () => {
  it('a bad value in a CCFLOW_* variable the executor does not use fails nothing', async () => {
    const ex = executor({
      CCFLOW_RATE_LIMIT_PER_MINUTE: 'lots',
      CCFLOW_LOG_FORMAT: 'xml',
      CCFLOW_LOG_LEVEL: '?',
    });
    expect((await run(ex, { prompt: 'hi' })).error).toBeUndefined();
  });

  it('a bad value in one it uses is a ConfigurationError naming it', async () => {
    const { error } = await run(executor({ CCFLOW_DEFAULT_TIMEOUT: 'soon' }), { prompt: 'hi' });
    expect(error).toMatchObject({ field: 'CCFLOW_DEFAULT_TIMEOUT' });
    expect(existsSync(record)).toBe(false);
  });
});

describe('context for every route', () => {
  const users = { users: [{ id: 1, name: 'Ada' }] };

  it('execute attaches options.context to the prompt, as TOON', async () => {
    expect((await run(executor(), { prompt: 'Who?', options: { context: users } })).error).toBeUndefined();
    expect(sentPrompt().startsWith('Who?\n\n')).toBe(true);
    expect(decodeContextBlock(sentPrompt())).toEqual({ format: 'toon', context: users });
  });

  it('as JSON when CCFLOW_TOON_ENABLED is false, unless toon.enabled says otherwise', async () => {
    const ex = executor({ CCFLOW_TOON_ENABLED: 'false' });
    await run(ex, { prompt: 'Who?', options: { context: users } });
    expect(decodeContextBlock(sentPrompt())?.format).toBe('json');
    await run(ex, { prompt: 'Who?', options: { context: users, toon: { enabled: true } } });
    expect(decodeContextBlock(sentPrompt())?.format).toBe('toon');
  });

  it('batchQuery too', async () => {
    const [r] = await batchQuery(['Who?'], { context: users }, { executor: executor() });
    expect(r?.error).toBeUndefined();
    expect(decodeContextBlock(sentPrompt())?.context).toEqual(users);
  });

  it('a blank prompt with a context is the context alone', async () => {
    expect((await run(executor(), { prompt: '', options: { context: users } })).error).toBeUndefined();
    expect(decodeContextBlock(sentPrompt())?.context).toEqual(users);
  });
});
