import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CliExecutor } from '@ccflow/core';
import type { ResultMessage } from '@ccflow/parser';
import { calculateCost } from '@ccflow/pricing';
import { SQLiteProjectStore, SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { Project, type TraceData } from '@ccflow/tracing';
import { traceFixture } from '@ccflow/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCcflow, type Ran, runCcflow } from './binary.ts';

// The built `ccflow` binary as a child process over a SQLite store filled by a real traced project session (two
// turns, one with a tool call, and a turn in a subproject run where US-only inference costs more) through the
// library: `projects`, `traces`, `cost` and `completion`. Six CLI runs: the three turns, then `traces replay`
// (twice) and `traces fork` through the binary.

const sandbox = useClaudeSandbox();
const MODEL = 'claude-haiku-4-5';
let work: string;
let db: string;
let project: Project;
let api: Project;
let traces: TraceData[];
/** What the real CLI printed for each turn of the session in `project`. */
const results: ResultMessage[] = [];
/** The subproject's one turn, which the CLI priced for US-only inference, and what it printed for it. */
let usTrace: TraceData;
let usResult: ResultMessage;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ccflow-store-commands-'));
  db = join(work, 'store.db');
  const build = buildCcflow();
  const sessionStore = new SQLiteSessionStore({ dbPath: db });
  const env = {
    store: new SQLiteProjectStore({ dbPath: db }),
    traceStore: new SQLiteTraceStore({ dbPath: db }),
    sessionStore,
    executor: new CliExecutor(sandbox.executorOptions),
  };
  project = new Project({ ...env, name: 'Docs site', description: 'the documentation site' });
  await project.save();
  api = await project.createSubproject('API reference');
  const session = project.createSession({ model: MODEL, allowedTools: ['Bash(echo *)'] });
  const turn = async (prompt: string) => {
    for await (const m of session.sendMessage(prompt)) if (m.type === 'result') results.push(m);
  };
  sandbox.api.enqueue(reply.text('Pipes carry bytes.', { usage: { input_tokens: 1200, output_tokens: 40 } }));
  await turn('Turn one: what do pipes carry?');
  sandbox.api.enqueue(
    reply.toolUse('Bash', { command: 'echo plumbing' }, { usage: { input_tokens: 1500, output_tokens: 30 } }),
    reply.text('The shell said plumbing.', { usage: { input_tokens: 1600, output_tokens: 20 } }),
  );
  await turn('Turn two: run echo plumbing.');
  traces = await session.getTraces();
  const us = api.createSession({ model: 'claude-sonnet-4-5' });
  sandbox.api.enqueue(
    reply.text('GET /v1/items lists items.', {
      usage: { input_tokens: 2000, output_tokens: 60, inference_geo: 'us' },
    }),
  );
  for await (const m of us.sendMessage('Document GET /v1/items.')) if (m.type === 'result') usResult = m;
  [usTrace] = (await us.getTraces()) as [TraceData];
  await Promise.all([env.store.close(), env.traceStore.close(), sessionStore.close()]);
  await build;
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function ccflow(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return runCcflow(args, {
    cwd: sandbox.box.cwd,
    env: {
      ...sandbox.box.env,
      NO_COLOR: '1',
      CCFLOW_CLAUDE_CLI_PATH: sandbox.box.cliPath,
      CCFLOW_SESSION_STORAGE_PATH: db,
      ...env,
    },
  });
}

async function json(args: string[]): Promise<unknown> {
  const ran = await ccflow([...args, '--json']);
  expect(ran.code, ran.err).toBe(0);
  expect(ran.err).toBe('');
  return JSON.parse(ran.out);
}

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

it('the library stored two successful turns, the second with a tool call', () => {
  expect(traces.map((t) => [t.status, t.model, t.toolCalls.length])).toEqual([
    ['success', expect.stringContaining('haiku'), 0],
    ['success', expect.stringContaining('haiku'), 1],
  ]);
  expect(results.map((r) => r.isError)).toEqual([false, false]);
  expect(usTrace).toMatchObject({
    status: 'success',
    projectId: api.projectId,
    costUsd: usResult.turnCostUsd,
  });
});

describe('projects', () => {
  it('list: the tree with each project’s sessions, traces and cost, as a table and as nested JSON', async () => {
    const table = await ccflow(['projects', 'list']);
    expect(table.code, table.err).toBe(0);
    const cost = traces[0]!.costUsd + traces[1]!.costUsd;
    expect(table.out).toBe(
      [
        'ID                                    NAME               SESSIONS  TRACES  COST',
        `${project.projectId}  Docs site          1         2       $${cost.toFixed(6)}`,
        `${api.projectId}    └ API reference  1         1       $${usTrace.costUsd.toFixed(6)}`,
        '',
      ].join('\n'),
    );
    const [top, ...others] = (await json(['projects', 'list'])) as Record<string, unknown>[];
    expect(others).toEqual([]);
    expect(top).toEqual({
      projectId: project.projectId,
      name: 'Docs site',
      description: 'the documentation site',
      parentProjectId: null,
      metadata: {},
      createdAt: ISO,
      updatedAt: ISO,
      totals: { sessions: 1, traces: 2, costUsd: expect.closeTo(cost, 12) },
      subprojects: [
        expect.objectContaining({
          projectId: api.projectId,
          name: 'API reference',
          parentProjectId: project.projectId,
          totals: { sessions: 1, traces: 1, costUsd: usTrace.costUsd },
          subprojects: [],
        }),
      ],
    });
  });

  it('show: the project, its totals, subprojects and sessions', async () => {
    const shown = (await json(['projects', 'show', project.projectId])) as Record<string, unknown>;
    expect(shown).toMatchObject({
      projectId: project.projectId,
      name: 'Docs site',
      totals: { sessions: 1, traces: 2 },
      subprojects: [{ projectId: api.projectId, name: 'API reference' }],
      sessions: [
        { sessionId: traces[0]!.sessionId, projectId: project.projectId, turnCount: 2, model: MODEL },
      ],
    });
    const table = await ccflow(['projects', 'show', project.projectId]);
    expect(table.out).toMatch(/^FIELD +VALUE\nproject +[-0-9a-f]{36}\nname +Docs site\n/);
    expect(table.out).toMatch(
      new RegExp(`\\nSESSIONS\\nID +UPDATED +STATUS +TURNS +COST +TITLE\\n${traces[0]!.sessionId} `),
    );
  });
});

describe('traces', () => {
  it('list: filters by session, project, status, model, dates; pages; a table and JSON', async () => {
    const [one, two] = traces as [TraceData, TraceData];
    const ids = async (...args: string[]) =>
      ((await json(['traces', 'list', ...args])) as { traceId: string }[]).map((t) => t.traceId);
    const all = (await json(['traces', 'list'])) as Record<string, unknown>[];
    expect(all).toEqual([
      {
        traceId: one.traceId,
        sessionId: one.sessionId,
        projectId: project.projectId,
        parentTraceId: null,
        sequenceNumber: 1,
        status: 'success',
        model: one.model,
        prompt: 'Turn one: what do pipes carry?',
        inputTokens: one.inputTokens,
        outputTokens: one.outputTokens,
        cacheReadTokens: one.cacheReadTokens,
        cacheWriteTokens: one.cacheWriteTokens,
        thinkingTokens: 0,
        costUsd: one.costUsd,
        durationMs: one.durationMs,
        createdAt: one.createdAt.toISOString(),
        updatedAt: one.updatedAt.toISOString(),
      },
      expect.objectContaining({ traceId: two.traceId, sequenceNumber: 2 }),
      expect.objectContaining({ traceId: usTrace.traceId, projectId: api.projectId }),
    ]);
    expect(await ids('--session', one.sessionId)).toEqual([one.traceId, two.traceId]);
    expect(await ids('--project', project.projectId, '--status', 'success', '--model', one.model!)).toEqual([
      one.traceId,
      two.traceId,
    ]);
    expect(await ids('--project', api.projectId)).toEqual([usTrace.traceId]);
    expect(await ids('--status', 'error')).toEqual([]);
    expect(await ids('--model', usTrace.model!)).toEqual([usTrace.traceId]);
    expect(await ids('--since', '1d', '--until', two.createdAt.toISOString())).toEqual([
      one.traceId,
      two.traceId,
    ]);
    expect(await ids('--until', one.createdAt.toISOString())).toEqual([one.traceId]);
    expect(await ids('-n', '1', '--offset', '1')).toEqual([two.traceId]);

    const table = await ccflow(['traces', 'list', '-n', '1']);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ID +CREATED +STATUS +MODEL +IN\/OUT +COST +PROMPT$/);
    expect(table.out.split('\n')[1]).toMatch(
      new RegExp(
        `^${one.traceId} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +success +${one.model} +${one.inputTokens}/${one.outputTokens} +\\$${one.costUsd.toFixed(6)} +Turn one: what do pipes carry\\?$`,
      ),
    );
    expect(table.err).toBe('ccflow: 1 of 3 traces; --offset 1 for more\n');
  });

  it('show: prompt, answer, tool calls, tokens, cost and timings, as the CLI reported them', async () => {
    const two = traces[1]!;
    const shown = (await json(['traces', 'show', two.traceId])) as Record<string, unknown>;
    expect(shown).toMatchObject({
      traceId: two.traceId,
      prompt: 'Turn two: run echo plumbing.',
      response: 'The shell said plumbing.',
      toolCalls: [{ tool: 'Bash', args: { command: 'echo plumbing' }, result: 'plumbing', isError: false }],
      costUsd: results[1]!.turnCostUsd,
      inputTokens: results[1]!.usage.inputTokens,
      modelUsage: { [two.model!]: expect.objectContaining({ costUsd: results[1]!.turnCostUsd }) },
      replayOf: null,
      errorMessage: null,
    });
    expect(Object.keys(shown)).toContain('resumeAt');
    const table = await ccflow(['traces', 'show', two.traceId]);
    expect(table.out).toContain(`\ncost      $${two.costUsd.toFixed(6)}\n`);
    expect(table.out).toContain(
      '\nPROMPT\nTurn two: run echo plumbing.\n\nANSWER\nThe shell said plumbing.\n',
    );
    expect(table.out).toMatch(/\nTOOL CALLS\nBash \{"command":"echo plumbing"\} → plumbing\n$/);
  });
});

describe('cost', () => {
  it("--json: the totals are the traces' sum and the CLI's own figures, beside the price table's", async () => {
    const report = (await json(['cost'])) as {
      total: Record<string, unknown>;
      by: Record<string, ({ key: string } & Record<string, unknown>)[]>;
    };
    const haiku = results[0]!.turnCostUsd + results[1]!.turnCostUsd;
    const us = usResult.turnCostUsd;
    expect(haiku).toBeGreaterThan(0);
    // ccflow's table prices the subproject's tokens at Sonnet's standard rates; the CLI charged US-only inference
    // 1.1 times that, which the trace does not record: the two figures differ there, and only there.
    const usPrice = calculateCost(usTrace.model!, usTrace.inputTokens, usTrace.outputTokens);
    expect(us).toBeCloseTo(usPrice * 1.1, 9);
    const all = [...traces, usTrace];
    const sum = (f: (t: TraceData) => number) => all.reduce((n, t) => n + f(t), 0);
    expect(report.total).toEqual({
      traces: 3,
      inputTokens: sum((t) => t.inputTokens),
      outputTokens: sum((t) => t.outputTokens),
      cacheReadTokens: sum((t) => t.cacheReadTokens),
      cacheWriteTokens: sum((t) => t.cacheWriteTokens),
      cliCostUsd: expect.closeTo(haiku + us, 12),
      priceTableCostUsd: expect.closeTo(haiku + usPrice, 9),
      differs: true,
    });
    expect(Object.keys(report.by)).toEqual(['model', 'day', 'project', 'session']);
    const row = (group: string, key: string) => report.by[group]!.find((r) => r.key === key);
    // Largest CLI cost first.
    expect(report.by.model!.map((r) => r.key)).toEqual([usTrace.model, traces[0]!.model]);
    expect(row('model', traces[0]!.model!)).toMatchObject({
      traces: 2,
      cliCostUsd: expect.closeTo(haiku, 12),
      priceTableCostUsd: expect.closeTo(haiku, 9),
      differs: false,
    });
    expect(row('model', usTrace.model!)).toMatchObject({
      traces: 1,
      priceTableCostUsd: usPrice,
      differs: true,
    });
    expect(row('project', project.projectId)).toMatchObject({ traces: 2, differs: false });
    expect(row('project', api.projectId)).toMatchObject({ traces: 1, cliCostUsd: us, differs: true });
    expect(row('session', traces[0]!.sessionId)).toMatchObject({ traces: 2, differs: false });
    expect(report.by.day).toEqual([
      expect.objectContaining({ key: traces[0]!.createdAt.toISOString().slice(0, 10), traces: 3 }),
    ]);
    expect(
      ((await json(['cost', '--by', 'day', '--since', '2999-01-01'])) as { total: unknown }).total,
    ).toMatchObject({ traces: 0, cliCostUsd: 0 });

    const table = await ccflow(['cost', '--by', 'model']);
    const lines = table.out.split('\n');
    const $ = (usd: number) => `\\$${usd.toFixed(6)}`;
    expect(lines[0]).toMatch(
      new RegExp(`^TOTAL  3 traces  ${$(haiku + us)}  \\(price table: ${$(haiku + usPrice)}\\)$`),
    );
    expect(lines[2]).toMatch(
      /^MODEL +TRACES +INPUT +OUTPUT +CACHE READ +CACHE WRITE +CLI COST +PRICE TABLE$/,
    );
    expect(lines[3]).toMatch(new RegExp(`^${usTrace.model} +1 +2000 +60 +0 +0 +${$(us)} +${$(usPrice)}$`));
    expect(lines[4]).toMatch(
      new RegExp(`^${traces[0]!.model} +2 +\\d+ +\\d+ +\\d+ +\\d+ +${$(haiku)} +same$`),
    );
    expect(lines.slice(5)).toEqual(['']);
    const summary = await ccflow(['cost']);
    expect(summary.out.match(/^(MODEL|DAY|PROJECT|SESSION) /gm)).toEqual([
      'MODEL ',
      'DAY ',
      'PROJECT ',
      'SESSION ',
    ]);
  });
});

describe('replay and fork, with the real CLI', () => {
  it('replay: a new session in the project whose trace’s parent is the original; fork: sees only the earlier turns', async () => {
    const [one, two] = traces as [TraceData, TraceData];
    sandbox.api.enqueue(reply.text('Bytes, again.'));
    const replayed = await ccflow(['traces', 'replay', one.traceId, '--json']);
    expect(replayed.code, replayed.err).toBe(0);
    const again = JSON.parse(replayed.out);
    expect(again).toMatchObject({
      parentTraceId: one.traceId,
      replayOf: one.traceId,
      projectId: project.projectId,
      prompt: one.prompt,
      response: 'Bytes, again.',
      status: 'success',
      sequenceNumber: 1,
    });
    expect(again.sessionId).not.toBe(one.sessionId);
    expect(JSON.stringify(sandbox.api.messageRequests.at(-1)?.body.messages)).not.toContain(
      'Pipes carry bytes.',
    );

    sandbox.api.enqueue(reply.text('Forked: plumbing.'));
    const forked = await ccflow(['traces', 'fork', two.traceId]);
    expect(forked.code, forked.err).toBe(0);
    const [head, answer] = forked.out.split('\n');
    expect(answer).toBe('Forked: plumbing.');
    const id = /^trace ([-0-9a-f]{36}) \(session ([-0-9a-f]{36}), fork of /.exec(head ?? '');
    expect(id, forked.out).not.toBeNull();
    // The fork saw the first turn, not the second (whose prompt it sends again).
    const seen = JSON.stringify(sandbox.api.messageRequests.at(-1)?.body.messages);
    expect(seen).toContain('Pipes carry bytes.');
    expect(seen).not.toContain('The shell said plumbing.');
    const stored = (await json(['traces', 'show', id![1]!])) as Record<string, unknown>;
    expect(stored).toMatchObject({ parentTraceId: two.traceId, replayOf: two.traceId, sessionId: id![2] });
    expect(stored.sessionId).not.toBe(two.sessionId);
    const children = (await json(['traces', 'list', '--parent', two.traceId])) as { traceId: string }[];
    expect(children.map((t) => t.traceId)).toEqual([id![1]]);
    const total = (await json(['cost'])) as { total: { traces: number } };
    expect(total.total.traces).toBe(5);
  });

  it('a replay the CLI ends in error: the failed trace is stored and printed, and the command exits 1', async () => {
    const one = traces[0]!;
    sandbox.api.enqueue(reply.error(400, { message: 'prompt is too long' }));
    const ran = await ccflow(['traces', 'replay', one.traceId, '--json']);
    expect(ran.code).toBe(1);
    const failed = JSON.parse(ran.out);
    expect(failed).toMatchObject({ parentTraceId: one.traceId, status: 'error' });
    expect(ran.err).toBe(`ccflow: trace ${failed.traceId} ended error: ${failed.errorMessage}\n`);
    expect(failed.errorMessage).toMatch(/^Prompt is too long/);
  });
});

describe('errors and usage', () => {
  it.each([
    [['traces', 'show', 'nope'], 'ccflow: TRACE_NOT_FOUND: trace not found: nope\n'],
    [['traces', 'replay', 'nope'], 'ccflow: TRACE_NOT_FOUND: trace not found: nope\n'],
    [['traces', 'fork', 'nope'], 'ccflow: TRACE_NOT_FOUND: trace not found: nope\n'],
    [['projects', 'show', 'nope'], 'ccflow: PROJECT_NOT_FOUND: project not found: nope\n'],
  ])('a bad id %j exits 1 with the typed error', async (args, message) => {
    expect(await ccflow(args, { CCFLOW_CLAUDE_CLI_PATH: '/nonexistent' })).toEqual({
      code: 1,
      out: '',
      err: message,
    });
  });

  it('replaying a trace of no project exits 1 before any CLI run: a replay runs in the trace’s project', async () => {
    const store = new SQLiteTraceStore({ dbPath: db });
    const lone = traceFixture({ prompt: 'no project', createdAt: new Date(Date.UTC(2020, 0, 1)) });
    await store.save(lone);
    await store.close();
    const ran = await ccflow(['traces', 'fork', lone.traceId], { CCFLOW_CLAUDE_CLI_PATH: '/nonexistent' });
    expect(ran).toEqual({
      code: 1,
      out: '',
      err: `ccflow: PROJECT_NOT_FOUND: trace ${lone.traceId} belongs to no project: replay and fork run in the trace's project\n`,
    });
  });

  it.each([
    [
      ['traces', 'list', '--status', 'done'],
      /^ccflow: option '--status <status>' argument 'done' is invalid/,
    ],
    [
      ['traces', 'list', '--since', 'yesterday'],
      /^ccflow: option '--since <time>' argument 'yesterday' is invalid/,
    ],
    [['traces', 'list', '-n', '-1'], /^ccflow: option '-n, --limit <n>' argument '-1' is invalid/],
    [['traces', 'replay'], /^ccflow: missing required argument 'traceId'/],
    [['traces'], /^Usage: ccflow traces /],
    [['cost', '--by', 'week'], /^ccflow: option '--by <group>' argument 'week' is invalid/],
    [['completion', 'tcsh'], /^ccflow: command-argument value 'tcsh' is invalid for argument 'shell'/],
  ])('bad usage %j exits 2 with the reason and the usage', async (args, message) => {
    const ran = await ccflow(args);
    expect(ran.code).toBe(2);
    expect(ran.out).toBe('');
    expect(ran.err).toMatch(message);
  });
});

describe('completion', () => {
  it('bash: the script the binary prints completes subcommands and options', async () => {
    const script = await ccflow(['completion', 'bash']);
    expect(script.code).toBe(0);
    const complete = async (line: string) => {
      const words = line.split(' ');
      const driver = `eval "$SCRIPT"\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})\nCOMP_CWORD=${words.length - 1}\n_ccflow\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await promisify(execFile)('bash', ['--norc', '-c', driver], {
        env: { PATH: process.env.PATH ?? '', SCRIPT: script.out },
      });
      return stdout.split('\n').filter(Boolean);
    };
    expect(await complete('ccflow tr')).toEqual(['traces']);
    expect(await complete('ccflow traces ')).toEqual(['list', 'show', 'replay', 'fork']);
    expect(await complete('ccflow traces list --s')).toEqual(['--session', '--status', '--since']);
    expect(await complete('ccflow cost --by ')).toEqual(['model', 'day', 'project', 'session']);
  });
});
