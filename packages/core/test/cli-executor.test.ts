import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Message, parseTranscript } from '@ccflow/parser';
import { ResultMessageSchema } from '@ccflow/parser/schemas';
import {
  bytesWritten,
  childWithEnv,
  descendantsOf,
  FAULT_CLI_PATH,
  type FaultScript,
  type FixtureName,
  faultEnv,
  fixturePath,
  isGone,
  killAll,
  processesWithEnv,
  until,
  zombieChildren,
} from '@ccflow/testing';
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliExecutor, type CliExecutorOptions } from '../src/cli-executor.ts';
import {
  CliExecutionError,
  CliNotFoundError,
  CliTimeoutError,
  ConfigurationError,
  ParseError,
} from '../src/errors.ts';
import type { ExecuteRequest } from '../src/executor.ts';
import { EXECUTION_ID_ENV } from '../src/spawn-cli.ts';

const fixture = fixturePath;
const fixtureLines = (name: FixtureName) => readFileSync(fixture(name), 'utf8').split('\n').filter(Boolean);
const transcript = (name: FixtureName, from = 0, to?: number) =>
  parseTranscript(`${fixtureLines(name).slice(from, to).join('\n')}\n`);

const GRACE_MS = 300;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-executor-'));
});

afterEach(() => {
  killAll(processesWithEnv(dir)); // a safety net: every test below also asserts that nothing is left
  rmSync(dir, { recursive: true, force: true });
});

/** A CliExecutor running the fault CLI with `script`; every process it starts carries `dir` in its environment. */
function executor(script: FaultScript, options: CliExecutorOptions = {}): CliExecutor {
  return new CliExecutor({
    cliPath: FAULT_CLI_PATH,
    stopGraceMs: GRACE_MS,
    ...options,
    env: { PATH: process.env.PATH, CCFLOW_TEST_DIR: dir, ...faultEnv(script), ...options.env },
  });
}

interface Outcome {
  messages: Message[];
  error: unknown;
  ms: number;
}

async function run(
  ex: CliExecutor,
  request: Partial<ExecuteRequest> = {},
  onMessage?: (m: Message, i: number) => unknown,
): Promise<Outcome> {
  const started = performance.now();
  const messages: Message[] = [];
  let error: unknown;
  try {
    for await (const m of ex.execute({ prompt: 'hi', ...request })) {
      messages.push(m);
      await onMessage?.(m, messages.length - 1);
    }
  } catch (e) {
    error = e;
  }
  return { messages, error, ms: performance.now() - started };
}

interface Record {
  argv: string[];
  stdin: string;
  env: { [name: string]: string };
  pid: number;
}
const readRecord = (path: string): Record => JSON.parse(readFileSync(path, 'utf8'));
/** The user line ccflow writes for `prompt` (its id is new each time). */
const userLine = (prompt: string) => ({
  type: 'user',
  session_id: '',
  message: { role: 'user', content: prompt },
  parent_tool_use_id: null,
});

/** What the CLI got on stdin: the `initialize` control request, then the lines after it. */
function stdinAfterInitialize(stdin: string): string {
  const end = stdin.indexOf('\n') + 1;
  const first = JSON.parse(stdin.slice(0, end));
  expect(first).toMatchObject({ type: 'control_request', request: { subtype: 'initialize' } });
  return stdin.slice(end);
}

/** Asserts the stream ended with ccflow's failed result, and returns it. */
function expectSynthetic(messages: Message[], sessionId = '') {
  const last = messages.at(-1);
  expect(last?.type).toBe('result');
  const result = ResultMessageSchema.parse(last);
  expect(result).toMatchObject({ subtype: 'error_during_execution', isError: true, sessionId });
  expect(result.raw).toMatchObject({ type: 'result', ccflow_synthetic: true });
  return result;
}

function expectAllGone(pids: number[]) {
  expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
  expect(processesWithEnv(dir)).toEqual([]);
  expect(zombieChildren()).toEqual([]);
}

/** The session id of a fixture's `init` line. */
const sessionOf = (name: FixtureName) => {
  const init = transcript(name)[0];
  return init?.type === 'system' && init.subtype === 'init' ? init.sessionId : '';
};
const TEXT_SESSION = sessionOf('text');

describe('CliExecutor: the happy path', () => {
  it('streams a recorded transcript, closes stdin after the result (one-shot) and reaps the CLI', async () => {
    const record = join(dir, 'record.json');
    const ex = executor({ steps: [{ replay: fixture('tool-bash') }, { waitStdin: 'end' }], record });
    const { messages, error } = await run(ex);
    expect(error).toBeUndefined();
    expect(messages).toEqual(transcript('tool-bash'));
    const r = readRecord(record);
    const sent = stdinAfterInitialize(r.stdin);
    expect(sent.endsWith('\n') && sent.indexOf('\n') === sent.length - 1).toBe(true);
    expect(JSON.parse(sent)).toEqual(userLine('hi'));
    expectAllGone([r.pid]);
  });

  it('ends normally after the CLI own error result, even with exit code 1', async () => {
    const ex = executor({ steps: [{ replay: fixture('error-401') }, { exit: 1 }] });
    const { messages, error } = await run(ex);
    expect(error).toBeUndefined();
    expect(messages).toEqual(transcript('error-401'));
  });

  it('stops a CLI that lingers after its result, and still ends normally', async () => {
    const record = join(dir, 'record.json');
    const ex = executor({ steps: [{ replay: fixture('text') }, { hang: true }], onSigint: 'ignore', record });
    const { messages, error, ms } = await run(ex);
    expect(error).toBeUndefined();
    expect(messages).toEqual(transcript('text'));
    expect(ms).toBeGreaterThanOrEqual(GRACE_MS);
    expectAllGone([readRecord(record).pid]);
  });

  it('finds the CLI through CCFLOW_CLAUDE_CLI_PATH', async () => {
    const ex = new CliExecutor({
      env: {
        PATH: '',
        CCFLOW_CLAUDE_CLI_PATH: FAULT_CLI_PATH,
        ...faultEnv({ steps: [{ replay: fixture('text') }] }),
      },
    });
    // PATH is empty, so the fault CLI's `#!/usr/bin/env node` needs node from elsewhere: give it back via options.env
    const { messages, error } = await run(ex, { options: { env: { PATH: process.env.PATH! } } });
    expect(error).toBeUndefined();
    expect(messages.at(-1)?.type).toBe('result');
  });

  it('throws CliNotFoundError, without any message, when the CLI is missing', async () => {
    const { messages, error } = await run(executor({ steps: [] }, { cliPath: join(dir, 'no-such-claude') }));
    expect(messages).toEqual([]);
    expect(CliNotFoundError.isInstance(error)).toBe(true);
    expect((error as CliNotFoundError).searched).toEqual([join(dir, 'no-such-claude')]);
  });
});

describe('CliExecutor: what the CLI receives', () => {
  it('options.cwd: a directory is used; anything else is a ConfigurationError before anything starts', async () => {
    const record = join(dir, 'record.json');
    const ok = await run(executor({ steps: [{ replay: fixture('text') }], record }), {
      options: { cwd: dir },
    });
    expect(ok.error).toBeUndefined();
    const bad = await run(executor({ steps: [] }), { options: { cwd: join(dir, 'nope') } });
    expect(bad.messages).toEqual([]);
    expect(ConfigurationError.isInstance(bad.error)).toBe(true);
    expect(bad.error).toMatchObject({ field: 'cwd' });
  });

  it('writes the prompt as one JSON line, exactly, whatever it holds (several MB, quotes, $(), newlines, unicode)', async () => {
    const record = join(dir, 'record.json');
    const tricky = `--help -p "double" 'single' $(touch pwned) \`id\` \\ \n\r\n\t\u0000 \u2028 😀 日本語 ${'{"type":"result"}'}\n`;
    const prompt = `-${tricky}${'x'.repeat(3 * 1024 * 1024)}${tricky}`;
    const ex = executor({
      steps: [{ waitStdin: 'line' }, { waitStdin: 'line' }, { replay: fixture('text') }],
      record,
    });
    const { error } = await run(ex, { prompt });
    expect(error).toBeUndefined();
    const r = readRecord(record);
    const sent = stdinAfterInitialize(r.stdin);
    expect(sent.indexOf('\n')).toBe(sent.length - 1);
    expect(JSON.parse(sent)).toEqual(userLine(prompt));
    expect(r.argv.join(' ')).not.toContain('pwned');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('keeps flag values that start with "-" as values', async () => {
    const record = join(dir, 'record.json');
    const ex = executor({ steps: [{ replay: fixture('text') }], record });
    const { error } = await run(ex, {
      options: {
        model: '-m',
        systemPrompt: '--help',
        appendSystemPrompt: '-p --verbose',
        allowedTools: ['-x'],
      },
    });
    expect(error).toBeUndefined();
    const { argv } = readRecord(record);
    expect(argv).toContain('--model=-m');
    expect(argv.some((a: string) => a.startsWith('--system-prompt-file='))).toBe(true);
    expect(argv.some((a: string) => a.startsWith('--append-system-prompt-file='))).toBe(true);
    expect(argv).not.toContain('--help');
    expect(argv).not.toContain('-m');
  });

  it('drops an inherited CLAUDECODE, maps maxRetries, marks the tree, merges default options', async () => {
    const record = join(dir, 'record.json');
    const ex = executor(
      { steps: [{ replay: fixture('text') }], record },
      {
        env: { CLAUDECODE: '1', CLAUDE_CODE_ENTRYPOINT: 'cli', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
        defaultOptions: { maxRetries: 4, env: { CLAUDE_DEFAULT_ONLY: 'd', CLAUDE_BOTH: 'default' } },
      },
    );
    const { error } = await run(ex, { options: { maxRetries: 1, env: { CLAUDE_BOTH: 'request' } } });
    expect(error).toBeUndefined();
    const { env } = readRecord(record);
    expect(env).not.toHaveProperty('CLAUDECODE');
    expect(env).toMatchObject({
      CLAUDE_CODE_MAX_RETRIES: '1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      CLAUDE_DEFAULT_ONLY: 'd',
      CLAUDE_BOTH: 'request',
      [EXECUTION_ID_ENV]: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('CCFLOW_DEFAULT_MODEL is the model when the options name none; without it the CLI picks', async () => {
    const record = join(dir, 'record.json');
    const script = { steps: [{ replay: fixture('text') }], record };
    const models = async (env: { [name: string]: string }, options = {}) => {
      await run(executor(script, { env }), { options });
      return readRecord(record).argv.filter((a) => a.startsWith('--model'));
    };
    expect(await models({ CCFLOW_DEFAULT_MODEL: 'haiku' })).toEqual(['--model=haiku']);
    expect(await models({ CCFLOW_DEFAULT_MODEL: 'haiku' }, { model: 'opus' })).toEqual(['--model=opus']);
    expect(await models({})).toEqual([]);
  });

  describe('trace context', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    });
    afterAll(() => {
      context.disable();
    });

    it('gives the CLI the active span as TRACEPARENT, over an inherited one', async () => {
      const record = join(dir, 'record.json');
      const ex = executor(
        { steps: [{ replay: fixture('text') }], record },
        { env: { TRACEPARENT: '00-11111111111111111111111111111111-2222222222222222-01' } },
      );
      const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
      const { error } = await context.with(ctx, () => run(ex));
      expect(error).toBeUndefined();
      expect(readRecord(record).env.TRACEPARENT).toBe(`00-${traceId}-${spanId}-01`);
    });

    it('sets no TRACEPARENT without a valid span', async () => {
      const record = join(dir, 'record.json');
      const ex = executor({ steps: [{ replay: fixture('text') }], record });
      const { error } = await run(ex);
      expect(error).toBeUndefined();
      expect(readRecord(record).env).not.toHaveProperty('TRACEPARENT');
    });
  });
});

describe('CliExecutor: faults', () => {
  it('a crash mid-stream: the messages so far, a failed result, then CliExecutionError with the signal', async () => {
    const ex = executor({
      steps: [
        { replay: fixture('tool-bash'), lines: [0, 5] },
        { stderr: 'panic: boom' },
        { kill: 'SIGKILL' },
      ],
    });
    const { messages, error } = await run(ex);
    expect(messages.slice(0, -1)).toEqual(transcript('tool-bash', 0, 5));
    const result = expectSynthetic(messages, sessionOf('tool-bash'));
    expect(CliExecutionError.isInstance(error)).toBe(true);
    const e = error as CliExecutionError;
    expect(e).toMatchObject({ exitCode: null, signal: 'SIGKILL', sessionId: result.sessionId });
    expect(e.stderr).toContain('panic: boom');
    expect(e.message).toContain('SIGKILL');
    expect(result.errors).toEqual([e.message]);
    expect(zombieChildren()).toEqual([]);
  });

  it('an exit code without a result: CliExecutionError with the code and the end of stderr', async () => {
    const { messages, error } = await run(executor({ steps: [{ stderr: 'fatal: bad flag' }, { exit: 3 }] }));
    expect(messages).toHaveLength(1);
    expectSynthetic(messages);
    expect(error).toBeInstanceOf(CliExecutionError);
    expect(error).toMatchObject({ exitCode: 3, signal: null, stderr: 'fatal: bad flag\n' });
    expect((error as Error).message).toBe('claude exited with code 3 without a result: fatal: bad flag');
  });

  it('garbage then exit: the garbage as error messages, then the failure', async () => {
    const ex = executor({ steps: [{ print: 'Segmentation fault?' }, { print: '{"half":' }, { exit: 0 }] });
    const { messages, error } = await run(ex);
    expect(messages.slice(0, 2)).toMatchObject([
      { type: 'error', code: 'invalid_json', line: 1, text: 'Segmentation fault?' },
      { type: 'error', code: 'invalid_json', line: 2, text: '{"half":' },
    ]);
    expectSynthetic(messages);
    expect(error).toMatchObject({ exitCode: 0 });
  });

  it('a CLI that exits before reading a large prompt (EPIPE) fails cleanly', async () => {
    const { error } = await run(executor({ steps: [{ exit: 1 }] }), { prompt: 'p'.repeat(8 * 1024 * 1024) });
    expect(error).toBeInstanceOf(CliExecutionError);
    expect(error).toMatchObject({ exitCode: 1 });
  });

  it('garbage lines are yielded as error messages and the stream goes on', async () => {
    const ex = executor({
      steps: [
        { replay: fixture('text'), lines: [0, 1] },
        { print: 'not json' },
        { replay: fixture('text'), lines: [1, 3] },
      ],
    });
    const { messages, error } = await run(ex);
    expect(error).toBeUndefined();
    expect(messages[1]).toMatchObject({ type: 'error', code: 'invalid_json', line: 2, text: 'not json' });
    expect(messages.at(-1)).toMatchObject({ type: 'result', subtype: 'success' });
  });

  it('strict: a line that is not a message stops the CLI, then ParseError', async () => {
    const record = join(dir, 'record.json');
    const ex = executor({
      steps: [{ replay: fixture('text'), lines: [0, 1] }, { print: 'not json' }, { hang: true }],
      record,
    });
    const { messages, error } = await run(ex, { options: { strict: true } });
    expect(messages.map((m) => m.type)).toEqual(['system', 'result']);
    expectSynthetic(messages, TEXT_SESSION);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ line: 2, text: 'not json' });
    expectAllGone([readRecord(record).pid]);
  });

  it('a 50 MB line is parsed; over maxLineBytes it is a line_too_long error message', async () => {
    const script: FaultScript = {
      steps: [
        { replay: fixture('text'), lines: [0, 1] },
        { giantLine: { bytes: 50_000_000 } },
        { replay: fixture('text'), lines: [2, 3] },
      ],
    };
    const parsed = await run(executor(script));
    expect(parsed.error).toBeUndefined();
    const assistant = parsed.messages.find((m) => m.type === 'assistant');
    expect(assistant?.type === 'assistant' && assistant.textContent.length).toBeGreaterThan(49_000_000);
    expect(parsed.messages.at(-1)?.type).toBe('result');

    const capped = await run(executor(script, { maxLineBytes: 1024 * 1024 }));
    expect(capped.error).toBeUndefined();
    expect(capped.messages.map((m) => m.type)).toEqual(['system', 'error', 'result']);
    expect(capped.messages[1]).toMatchObject({ code: 'line_too_long', line: 2, bytes: 50_000_000 });
  });

  it('stderr is always drained (10 MB), passed to host.onStderr, and kept bounded', async () => {
    const flood = { stderr: 'e'.repeat(1023), repeat: 10 * 1024 };
    let seen = 0;
    const onStderr = (chunk: string) => {
      seen += chunk.length;
    };
    const ok = await run(executor({ steps: [flood, { replay: fixture('text') }] }), {
      host: { onStderr },
    });
    expect(ok.error).toBeUndefined();
    expect(seen).toBe(10 * 1024 * 1024);

    const failed = await run(executor({ steps: [flood, { stderr: 'last words' }, { exit: 2 }] }));
    const e = failed.error as CliExecutionError;
    expect(e.stderr.length).toBeLessThanOrEqual(64 * 1024);
    expect(e.stderr.endsWith('e\nlast words\n')).toBe(true);
    expect(e.message).toContain('last words');
  });

  it('a slow consumer pauses the CLI (backpressure): reading stops while it sleeps, memory stays flat', async () => {
    // 200 MB: a 10 MB file of 100 KB assistant lines, replayed 20 times, then a result.
    const line = JSON.stringify({
      type: 'assistant',
      message: {
        id: 'msg_big',
        model: 'm',
        role: 'assistant',
        content: [{ type: 'text', text: 'x'.repeat(100_000) }],
      },
      session_id: 's',
    });
    const big = join(dir, 'big.ndjson');
    writeFileSync(big, `${Array(100).fill(line).join('\n')}\n`);
    const steps: FaultScript['steps'] = Array(20).fill({ replay: big });
    steps.push({ replay: fixture('text'), lines: [2, 3] });
    let pid = 0;
    let writtenWhileAsleep = 0;
    let rssGrowth = 0;
    const counts = { messages: 0, assistant: 0 };
    let last: Message | undefined;
    const rssBefore = process.memoryUsage().rss;
    // Counts messages without keeping them (keeping 200 MB of messages would measure the test, not the executor).
    for await (const m of executor({ steps }).execute({ prompt: 'hi' })) {
      counts.messages++;
      if (m.type === 'assistant') counts.assistant++;
      last = m;
      if (counts.messages === 10) {
        pid = childWithEnv(dir)!;
        const before = bytesWritten(pid)!;
        await sleep(1000);
        writtenWhileAsleep = bytesWritten(pid)! - before;
        expect(bytesWritten(pid)!).toBeLessThan(20_000_000);
      }
      if (counts.messages === 3900) rssGrowth = process.memoryUsage().rss - rssBefore;
    }
    // While the consumer slept, the CLI could only fill the pipe and our read buffer: a few hundred KB at most.
    expect(writtenWhileAsleep).toBeLessThan(2_000_000);
    // Near the end of the 200 MB, memory has not grown with what was read.
    expect(rssGrowth).toBeLessThan(100_000_000);
    expect(counts.assistant).toBe(2000);
    expect(last?.type).toBe('result');
    expect(isGone(pid)).toBe(true);
  });
});

describe('CliExecutor: limits and abort', () => {
  it('timeoutMs: a hanging CLI is stopped, then a failed result and CliTimeoutError (total)', async () => {
    const ex = executor({ steps: [{ replay: fixture('text'), lines: [0, 1] }, { hang: true }] });
    const { messages, error, ms } = await run(ex, { options: { timeoutMs: 300 } });
    expect(messages.map((m) => m.type)).toEqual(['system', 'result']);
    const result = expectSynthetic(messages, TEXT_SESSION);
    expect(error).toBeInstanceOf(CliTimeoutError);
    expect(error).toMatchObject({ kind: 'total', timeoutMs: 300 });
    expect(result.errors).toEqual([(error as Error).message]);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(300 + GRACE_MS + 1000);
  });

  it('the default timeout comes from CCFLOW_DEFAULT_TIMEOUT', async () => {
    const ex = executor({ steps: [{ hang: true }] }, { env: { CCFLOW_DEFAULT_TIMEOUT: '0.2' } });
    const { error } = await run(ex);
    expect(error).toMatchObject({ kind: 'total', timeoutMs: 200 });
  });

  it('idleTimeoutMs: a CLI silent for that long is stopped with CliTimeoutError (idle)', async () => {
    const ex = executor({ steps: [{ replay: fixture('text'), lines: [0, 1] }, { sleep: 20_000 }] });
    // The limit stays above the fault CLI's start-up under load, so its init (and session id) is read first.
    const { messages, error, ms } = await run(ex, { options: { idleTimeoutMs: 1000 } });
    expectSynthetic(messages, TEXT_SESSION);
    expect(error).toMatchObject({ kind: 'idle', timeoutMs: 1000 });
    expect(ms).toBeLessThan(1000 + GRACE_MS + 1500);
  });

  it('idle time is not counted while the consumer holds a message', async () => {
    const ex = executor({ steps: [{ replay: fixture('text') }] });
    // The idle limit must stay above the fault CLI's start-up under load; the consumer holds two messages longer.
    const { messages, error } = await run(ex, { options: { idleTimeoutMs: 1000 } }, (_m, i) =>
      i < 2 ? sleep(1300) : undefined,
    );
    expect(error).toBeUndefined();
    expect(messages.at(-1)?.type).toBe('result');
  });

  it("abort mid-stream: a failed result, then the signal's reason", async () => {
    const record = join(dir, 'record.json');
    const ex = executor({ steps: [{ replay: fixture('tool-bash'), delayMs: 100 }], record });
    const controller = new AbortController();
    const reason = new Error('the user left');
    const { messages, error } = await run(ex, { signal: controller.signal }, (_m, i) => {
      if (i === 2) controller.abort(reason);
    });
    expect(error).toBe(reason);
    expect(messages.slice(0, 3)).toEqual(transcript('tool-bash').slice(0, 3));
    expect(messages).toHaveLength(4);
    expect(expectSynthetic(messages, sessionOf('tool-bash')).errors).toEqual(['the user left']);
    expectAllGone([readRecord(record).pid]);
  });

  it('an already aborted signal throws its reason before anything starts', async () => {
    const record = join(dir, 'record.json');
    const reason = { why: 'not an Error' };
    const { messages, error } = await run(executor({ steps: [], record }), {
      signal: AbortSignal.abort(reason),
    });
    expect(messages).toEqual([]);
    expect(error).toBe(reason);
    expect(existsSync(record)).toBe(false);
  });
});

describe('CliExecutor: stopping ends the whole process tree', () => {
  /** Runs `script` (which starts a sleeper) and stops it as `stop` says; returns every pid seen and the outcome. */
  async function stopWithSleeper(
    script: Omit<FaultScript, 'steps'>,
    stop: 'abort' | 'timeout' | 'break',
    crash = false,
  ): Promise<Outcome & { pids: number[] }> {
    const pidFile = join(dir, 'sleeper.pid');
    const steps: FaultScript['steps'] = [
      { replay: fixture('text'), lines: [0, 1] },
      { spawnSleeper: { seconds: 30, pidFile } },
      { print: '{"type":"system","subtype":"status","status":"sleeper started"}' },
      crash ? { kill: 'SIGKILL' } : { hang: true },
    ];
    const ex = executor({ ...script, steps });
    const controller = new AbortController();
    const pids = new Set<number>();
    const started = performance.now();
    const messages: Message[] = [];
    let error: unknown;
    try {
      const options = stop === 'timeout' ? { timeoutMs: 1000 } : {};
      for await (const m of ex.execute({ prompt: 'hi', options, signal: controller.signal })) {
        messages.push(m);
        if (m.type !== 'system' || m.subtype !== 'status') continue;
        const cli = childWithEnv(dir);
        if (cli) for (const pid of [cli, ...descendantsOf(cli)]) pids.add(pid);
        pids.add(Number(readFileSync(pidFile, 'utf8')));
        expect(pids.size).toBeGreaterThanOrEqual(2);
        expect([...pids].every((pid) => !isGone(pid))).toBe(true);
        if (stop === 'abort') controller.abort(new Error('stop'));
        if (stop === 'break') break;
      }
    } catch (e) {
      error = e;
    }
    return { messages, error, ms: performance.now() - started, pids: [...pids] };
  }

  it('abort: SIGINT, and the CLI ends its own tools (the graceful stop)', async () => {
    const { error, pids, ms } = await stopWithSleeper({}, 'abort');
    expect(error).toMatchObject({ message: 'stop' });
    expectAllGone(pids);
    expect(ms).toBeLessThan(GRACE_MS + 1000);
  });

  it('a CLI that ignores SIGINT and SIGTERM: SIGKILL ends it and its sleeper', async () => {
    const { error, pids, ms } = await stopWithSleeper({ onSigint: 'ignore', ignoreSigterm: true }, 'timeout');
    expect(error).toBeInstanceOf(CliTimeoutError);
    expectAllGone(pids);
    expect(ms).toBeGreaterThanOrEqual(1000 + GRACE_MS);
  });

  it('a CLI that exits on SIGINT leaving its sleeper: the orphan is still found and killed', async () => {
    const { error, pids } = await stopWithSleeper({ onSigint: 'exit' }, 'abort');
    expect(error).toMatchObject({ message: 'stop' });
    expectAllGone(pids);
  });

  it('breaking out of the loop stops the tree the same way, before the loop statement returns', async () => {
    const { error, pids } = await stopWithSleeper({ onSigint: 'ignore', ignoreSigterm: true }, 'break');
    expect(error).toBeUndefined();
    expectAllGone(pids);
  });

  it('a crash that orphans a sleeper: the orphan is swept', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const ex = executor({
      steps: [{ spawnSleeper: { seconds: 30, pidFile } }, { sleep: 100 }, { kill: 'SIGKILL' }],
    });
    const { messages, error } = await run(ex);
    expectSynthetic(messages);
    expect(error).toMatchObject({ signal: 'SIGKILL' });
    expectAllGone([Number(readFileSync(pidFile, 'utf8'))]);
  });

  it('a timeout while the consumer holds a message stops the CLI at once', async () => {
    const record = join(dir, 'record.json');
    const ex = executor({
      steps: [{ replay: fixture('text'), lines: [0, 1] }, { hang: true }],
      onSigint: 'ignore',
      record,
    });
    let cli = 0;
    let goneWhileHeld = false;
    // Long enough for the fault CLI to start and print its first line on a loaded machine (200 ms was not).
    const timeoutMs = 2000;
    const { messages, error } = await run(ex, { options: { timeoutMs } }, async (_m, i) => {
      if (i !== 0) return;
      cli = childWithEnv(dir)!;
      await until(() => isGone(cli), timeoutMs + GRACE_MS + 2000, 'CLI stopped while the message is held');
      goneWhileHeld = true;
    });
    expect(goneWhileHeld).toBe(true);
    expect(messages.map((m) => m.type)).toEqual(['system', 'result']);
    expect(error).toMatchObject({ kind: 'total' });
    expectAllGone([cli]);
  });
});
