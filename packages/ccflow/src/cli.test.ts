import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliExecutionError } from '@ccflow/core';
import { DEFAULT_QUEUE_NAME } from '@ccflow/queue';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { main } from './cli.ts';

function io(executor: MockExecutor, stdin?: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      stdin:
        stdin &&
        (async function* () {
          yield* stdin;
        })(),
      executor,
    },
  };
}

describe('ccflow command', () => {
  it('streams text to stdout and passes the flags as options', async () => {
    const executor = new MockExecutor([
      [
        mockLines.init(),
        mockLines.text('Hello'),
        mockLines.text(' world'),
        mockLines.result({ result: 'Hello world' }),
      ],
    ]);
    const t = io(executor);
    const code = await main(
      [
        'query',
        '-m',
        'opus',
        '--system-prompt=-be terse',
        '-t',
        'Bash(git *)',
        '-t',
        'Read',
        '-p',
        'plan',
        '--max-turns',
        '3',
        'Say hi',
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.out.join('')).toBe('Hello world\n');
    expect(executor.requests[0]).toMatchObject({
      prompt: 'Say hi',
      options: {
        model: 'opus',
        systemPrompt: '-be terse',
        allowedTools: ['Bash(git *)', 'Read'],
        permissionMode: 'plan',
        maxTurns: 3,
        includePartial: true,
      },
    });
  });

  it('--json prints every message as one JSON line', async () => {
    const executor = new MockExecutor([
      [mockLines.init(), mockLines.text('x'), mockLines.result({ result: 'x' })],
    ]);
    const t = io(executor);
    expect(await main(['query', '--json', 'p'], t.io)).toBe(0);
    const lines = t.out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((m) => m.type)).toEqual(['system', 'assistant', 'text', 'result']);
    expect(executor.requests[0]?.options).toEqual({ includePartial: false });
  });

  it('reads the prompt from stdin with "-"', async () => {
    const executor = new MockExecutor([[mockLines.init(), mockLines.result()]]);
    const t = io(executor, ['multi\n', 'line']);
    expect(await main(['query', '-'], t.io)).toBe(0);
    expect(executor.requests[0]?.prompt).toBe('multi\nline');
  });

  it('a failed query exits 1 with one typed line on stderr', async () => {
    const executor = new MockExecutor([
      [
        mockLines.init(),
        mockLines.result({ isError: true, apiErrorStatus: 401, result: 'Invalid API key\nmore' }),
      ],
      {
        lines: [mockLines.init()],
        thenThrow: new CliExecutionError({ message: 'CLI exited with code 1 without a result', exitCode: 1 }),
      },
    ]);
    const auth = io(executor);
    expect(await main(['query', 'p'], auth.io)).toBe(1);
    expect(auth.err).toEqual(['ccflow: CLI_AUTHENTICATION: Invalid API key\n']);
    const crash = io(executor);
    expect(await main(['query', 'p'], crash.io)).toBe(1);
    expect(crash.err).toEqual(['ccflow: CLI_EXECUTION: CLI exited with code 1 without a result\n']);
  });

  it('the error line hides secrets (here the process key the CLI echoed)', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'process-key-for-cli-test';
    try {
      const executor = new MockExecutor([
        {
          lines: [mockLines.init()],
          thenThrow: new CliExecutionError({
            message: 'key process-key-for-cli-test refused, Bearer 0123456789abcdef',
            exitCode: 1,
          }),
        },
      ]);
      const t = io(executor);
      expect(await main(['query', 'p'], t.io)).toBe(1);
      expect(t.err).toEqual(['ccflow: CLI_EXECUTION: key [redacted] refused, Bearer [redacted]\n']);
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it.each([
    [['query']],
    [['query', 'a', 'b']],
    [['query', '--nope', 'a']],
    [['query', '-p', 'delegate', 'a']],
    [['query', '--max-turns', 'many', 'a']],
  ])('bad usage %j exits 2 with the reason and the usage', async (argv) => {
    const t = io(new MockExecutor());
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/^ccflow: .+\nUsage: ccflow query/);
  });

  it.each([[''], [' \n\t']])(
    'a blank prompt (%j, argument or stdin) exits 2 before any query',
    async (blank) => {
      for (const [argv, stdin] of [
        [['query', blank], []],
        [['query', '-'], [blank]],
      ] as const) {
        const executor = new MockExecutor();
        const t = io(executor, [...stdin]);
        expect(await main([...argv], t.io)).toBe(2);
        expect(t.err.join('')).toMatch(/^ccflow: CONFIGURATION_ERROR: prompt: is empty or only whitespace/);
        expect(executor.requests).toEqual([]);
      }
    },
  );

  it('an unknown command exits 2 with the reason and the commands', async () => {
    const t = io(new MockExecutor());
    expect(await main(['ask', 'a'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/^ccflow: unknown command 'ask'\nUsage: ccflow \[options\] \[command\]/);
    expect(t.err.join('')).toMatch(/\n {2}sessions /);
  });

  it('--help lists the commands; query --help prints the usage', async () => {
    const top = io(new MockExecutor());
    expect(await main(['--help'], top.io)).toBe(0);
    expect(top.out.join('')).toMatch(/\n {2}query \[options\] <prompt> /);
    const t = io(new MockExecutor());
    expect(await main(['query', '--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('Usage: ccflow query');
    expect(t.out.join('')).toContain('--stream-json');
  });

  it("worker --help names the queue's default as @ccflow/queue has it (the package loads only when a worker starts)", async () => {
    const t = io(new MockExecutor());
    expect(await main(['worker', '--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain(`"${DEFAULT_QUEUE_NAME}")`);
  });
});

describe('colours', () => {
  it('the sessions table header is bold on a terminal only, and never with NO_COLOR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccflow-colours-'));
    try {
      const listed = async (isTTY: boolean, env: Record<string, string>) => {
        const out: string[] = [];
        const stdout = { write: (s: string) => out.push(s), isTTY };
        const code = await main(['sessions', 'list', '--db', join(dir, 'c.db')], {
          stdout,
          stderr: stdout,
          env,
        });
        expect(code).toBe(0);
        return out.join('');
      };
      const bold = await listed(true, {});
      expect(bold.startsWith('\u001b[1mID ')).toBe(true);
      expect(bold.endsWith('TITLE\u001b[0m\n')).toBe(true);
      expect(await listed(true, { NO_COLOR: '1' })).toMatch(/^ID +UPDATED .+TITLE\n$/);
      expect(await listed(false, {})).toMatch(/^ID +UPDATED .+TITLE\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
