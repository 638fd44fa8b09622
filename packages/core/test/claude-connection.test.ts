import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@ccflow/parser';
import {
  FAULT_CLI_PATH,
  type FaultScript,
  faultEnv,
  fixturePath,
  isGone,
  killAll,
  processesWithEnv,
  until,
} from '@ccflow/testing';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeConnection } from '../src/claude-connection.ts';
import { CliExecutionError, CliTimeoutError, ConnectionClosedError, ParseError } from '../src/errors.ts';
import { runTurn } from '../src/turn.ts';

// Faults the real CLI cannot be made to produce, on a live connection: it dies between turns and mid-turn, prints
// garbage, never answers a control request, and a caller who stops reading. The fault CLI reads the `initialize`
// request as its first stdin line.

const GRACE_MS = 300;
let dir: string;
const spans = new InMemorySpanExporter();

beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
});
afterAll(() => {
  trace.disable();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-connection-'));
});

afterEach(() => {
  killAll(processesWithEnv(dir));
  rmSync(dir, { recursive: true, force: true });
});

function connect(script: FaultScript, options: Parameters<typeof ClaudeConnection.open>[0] = {}) {
  return ClaudeConnection.open({
    cliPath: FAULT_CLI_PATH,
    stopGraceMs: GRACE_MS,
    env: { PATH: process.env.PATH, CCFLOW_TEST_DIR: dir, ...faultEnv(script) },
    ...options,
  });
}

async function turn(connection: ClaudeConnection, prompt = 'hi') {
  const messages: Message[] = [];
  let error: unknown;
  try {
    for await (const m of runTurn(connection, { prompt })) messages.push(m);
  } catch (e) {
    error = e;
  }
  return { messages, error };
}

const TEXT = fixturePath('text');
/** The initialize line, then one user line per turn, each answered by a recorded transcript. */
const turns = (n: number): FaultScript['steps'] => [
  { waitStdin: 'line' },
  ...Array.from({ length: n }, () => [{ waitStdin: 'line' as const }, { replay: TEXT }]).flat(),
];

describe('ClaudeConnection: faults', () => {
  it('the CLI dies between turns: the connection knows without a reader, and refuses the next turn', async () => {
    const connection = await connect({ steps: [...turns(1), { kill: 'SIGKILL' }] });
    const pid = connection.pid;
    const first = await turn(connection);
    expect(first.error).toBeUndefined();
    await until(() => !connection.isOpen, 5000, 'the connection to notice');
    const second = await turn(connection);
    expect(second.messages).toEqual([]);
    expect(ConnectionClosedError.isInstance(second.error)).toBe(true);
    expect(CliExecutionError.isInstance((second.error as Error).cause)).toBe(true);
    expect((second.error as Error).cause).toMatchObject({ signal: 'SIGKILL' });
    expect(isGone(pid)).toBe(true);
  });

  it('the CLI dies mid-turn: a synthetic failed result, then CliExecutionError with its exit', async () => {
    const connection = await connect({
      steps: [{ waitStdin: 'line' }, { waitStdin: 'line' }, { replay: TEXT, lines: [0, 2] }, { exit: 3 }],
    });
    const { messages, error } = await turn(connection);
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: true, raw: { ccflow_synthetic: true } });
    expect(CliExecutionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ exitCode: 3 });
    expect(isGone(connection.pid)).toBe(true);
  });

  it('a garbage line is an error message, and with strict a ParseError that ends the connection', async () => {
    const steps: FaultScript['steps'] = [
      { waitStdin: 'line' },
      { waitStdin: 'line' },
      { print: 'not json {' },
      { replay: TEXT },
    ];
    const lenient = await connect({ steps });
    const ok = await turn(lenient);
    expect(ok.error).toBeUndefined();
    expect(ok.messages.some((m) => m.type === 'error')).toBe(true);
    await lenient.close();

    const strict = await connect({ steps }, { options: { strict: true } });
    const failed = await turn(strict);
    expect(ParseError.isInstance(failed.error)).toBe(true);
    expect(failed.messages.at(-1)).toMatchObject({ raw: { ccflow_synthetic: true } });
    expect(isGone(strict.pid)).toBe(true);
  });

  it('an unanswered control request is a CliTimeoutError of kind control; the connection stays usable', async () => {
    const connection = await connect({ steps: [...turns(1), { waitStdin: 'end' }] });
    const error = await connection.setModel('haiku', { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(CliTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'control', timeoutMs: 200 });
    expect(connection.isOpen).toBe(true);
    const span = spans.getFinishedSpans().find((s) => s.name === 'ccflow.control set_model');
    expect(span?.attributes['ccflow.control.subtype']).toBe('set_model');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    await connection.close();
    await expect(connection.interrupt()).rejects.toSatisfy((e) => ConnectionClosedError.isInstance(e));
    expect(isGone(connection.pid)).toBe(true);
  });

  it('a pending control request fails with the connection when the CLI dies', async () => {
    const connection = await connect({ steps: [{ waitStdin: 'line' }, { waitStdin: 'line' }, { exit: 1 }] });
    const error = await connection.interrupt().catch((e: unknown) => e);
    expect(CliExecutionError.isInstance(error)).toBe(true);
  });

  it('a caller who stops reading mid-turn ends it: the CLI is stopped, nothing is left', async () => {
    const connection = await connect({
      steps: [{ waitStdin: 'line' }, { waitStdin: 'line' }, { replay: TEXT, delayMs: 200 }],
    });
    for await (const m of runTurn(connection, { prompt: 'hi' })) {
      if (m.type === 'system') break;
    }
    expect(connection.isOpen).toBe(false);
    expect(isGone(connection.pid)).toBe(true);
    expect(processesWithEnv(dir)).toEqual([]);
  });

  it('a normal close after two turns leaves no process either', async () => {
    const connection = await connect({ steps: [...turns(2), { waitStdin: 'end' }] });
    expect((await turn(connection)).error).toBeUndefined();
    expect((await turn(connection)).error).toBeUndefined();
    await connection.close();
    expect(isGone(connection.pid)).toBe(true);
    expect(processesWithEnv(dir)).toEqual([]);
  });
});
