import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '@ccflow/sessions';
import { SQLiteSessionStore } from '@ccflow/stores-sqlite';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCcflow, CCFLOW_BIN, type Ran, runCcflow } from './binary.ts';

// The built `ccflow` binary as a child process: exit codes, help, JSON shapes, a reader that goes away, and
// `query` / `sessions` against the real CLI and the stand-in (two CLI runs).

const sandbox = useClaudeSandbox();
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ccflow-command-'));
  await buildCcflow();
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function ccflow(args: string[], env: Record<string, string> = {}, cwd = work): Promise<Ran> {
  return runCcflow(args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1', ...env } });
}

describe('usage', () => {
  it('--help lists the commands, --version prints the package version: exit 0', async () => {
    const help = await ccflow(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: ccflow \[options\] \[command\]\n/);
    expect(help.out).toMatch(/\n {2}query \[options\] <prompt> /);
    expect(help.out).toMatch(/\n {2}sessions /);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8'));
    expect(await ccflow(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    const list = await ccflow(['sessions', 'list', '--help']);
    expect(list.out).toMatch(/^Usage: ccflow sessions list \[options\]\n/);
    expect(list.out).toContain('--json');
  });

  it.each([
    [[], /^Usage: ccflow /],
    [['ask'], /^ccflow: unknown command 'ask'\nUsage: ccflow /],
    [['sessions', 'list', '--nope'], /^ccflow: unknown option '--nope'\nUsage: ccflow sessions list /],
    [['sessions', 'list', '-n', 'x'], /^ccflow: option '-n, --limit <n>' argument 'x' is invalid/],
    [['sessions', 'frob'], /^ccflow: unknown command 'frob'\nUsage: ccflow sessions /],
    [
      ['sessions', 'tag', 'id'],
      /^ccflow: CONFIGURATION_ERROR: tag: give a tag or --clear\nUsage: ccflow sessions tag /,
    ],
    [['query', '--max-turns', 'x', 'p'], /^ccflow: option '--max-turns <n>' argument 'x' is invalid/],
    [
      ['query', '--session', 'a', '--resume', 'b', 'p'],
      /^ccflow: CONFIGURATION_ERROR: --session: cannot be used with --resume/,
    ],
  ])('bad usage %j exits 2 with the reason and the usage on stderr', async (args, message) => {
    const run = await ccflow(args, { CCFLOW_SESSION_STORAGE_PATH: join(work, 'usage.db') });
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(message);
  });

  it('--options: a file that is not JSON, not an object, or has an unknown option is exit 2, before any query', async () => {
    const write = (name: string, text: string) => {
      writeFileSync(join(work, name), text);
      return join(work, name);
    };
    const cases: [string, RegExp][] = [
      [
        write('broken.json', '{"model": '),
        /^ccflow: CONFIGURATION_ERROR: --options: cannot read .*broken\.json: /,
      ],
      [
        write('list.json', '["opus"]'),
        /^ccflow: CONFIGURATION_ERROR: --options: .*list\.json must hold a JSON object/,
      ],
      [write('typo.json', '{"modle": "opus"}'), /^ccflow: CONFIGURATION_ERROR: .*modle.*\n/],
      [
        join(work, 'missing.json'),
        /^ccflow: CONFIGURATION_ERROR: --options: cannot read .*missing\.json: .*ENOENT/,
      ],
    ];
    for (const [file, message] of cases) {
      const run = await ccflow(['query', '--options', file, 'hi'], {
        CCFLOW_CLAUDE_CLI_PATH: '/nonexistent',
      });
      expect(run.code, run.err).toBe(2);
      expect(run.err).toMatch(message);
      expect(run.err).toContain('Usage: ccflow query ');
    }
  });
});

describe('sessions over the SQLite store', () => {
  it('list / show / rename / tag / rm, as tables and as JSON; a missing session is exit 1', async () => {
    const db = join(work, 'store.db');
    const store = new SQLiteSessionStore({ dbPath: db });
    const session = new Session({ store, options: { model: 'haiku' } });
    await session.setTitle('Fix the flaky test');
    const id = session.sessionId;
    await store.close();
    const env = { CCFLOW_SESSION_STORAGE_PATH: db };

    const table = await ccflow(['sessions', 'list'], env);
    expect(table.code, table.err).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ID +UPDATED +STATUS +TURNS +COST +TITLE$/);
    expect(table.out.split('\n')[1]).toMatch(
      new RegExp(`^${id} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +\\w+ +0 +\\$0\\.0000 +Fix the flaky test$`),
    );
    expect(table.out).not.toContain('\u001b[');

    expect((await ccflow(['sessions', 'rename', id, 'Fixed it'], env)).code).toBe(0);
    expect((await ccflow(['sessions', 'tag', id, 'ci', '--db', db])).code).toBe(0);
    const shown = await ccflow(['sessions', 'show', id, '--json'], env);
    expect(shown.code, shown.err).toBe(0);
    expect(JSON.parse(shown.out)).toEqual({
      sessionId: id,
      title: 'Fixed it',
      status: expect.any(String),
      model: 'haiku',
      projectId: null,
      parentSessionId: null,
      tags: ['ci'],
      turnCount: 0,
      totalInputTokens: 0,
      totalOutputTokens: 0,
      totalCostUsd: 0,
      createdAt: expect.stringMatching(/^\d{4}-.+Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-.+Z$/),
    });
    const listed = JSON.parse((await ccflow(['sessions', 'list', '--json'], env)).out);
    expect(listed).toEqual([JSON.parse(shown.out)]);

    expect(await ccflow(['sessions', 'rm', id], env)).toEqual({ code: 0, out: '', err: '' });
    const again = await ccflow(['sessions', 'rm', id], env);
    expect(again.code).toBe(1);
    expect(again.err).toBe(`ccflow: SESSION_NOT_FOUND: no session ${id}\n`);
    expect((await ccflow(['sessions', 'show', id], env)).code).toBe(1);
    const query = await ccflow(['query', '--session', id, 'hi'], {
      ...env,
      CCFLOW_CLAUDE_CLI_PATH: '/nonexistent',
    });
    expect(query).toEqual({
      code: 1,
      out: '',
      err: `ccflow: SESSION_NOT_FOUND: no session ${id} in ${db}\n`,
    });
    const messages = await ccflow(['sessions', 'messages', id, '--config-dir', work]);
    expect(messages.code).toBe(1);
    expect(messages.err).toMatch(/^ccflow: SESSION_NOT_FOUND: /);
    expect(JSON.parse((await ccflow(['sessions', 'list', '--json'], env)).out)).toEqual([]);
  });

  it('a reader that goes away (sessions list | head -1) ends the command quietly', async () => {
    const db = join(work, 'many.db');
    const store = new SQLiteSessionStore({ dbPath: db });
    const template = new Session({}).state;
    const title = 'a title long enough to fill the pipe quickly '.repeat(2);
    await store.saveMany(
      Array.from({ length: 3000 }, () => ({ ...template, sessionId: randomUUID(), title })),
    );
    await store.close();
    const child = spawn(process.execPath, [CCFLOW_BIN, 'sessions', 'list', '--db', db], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work },
    });
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (c) => resolve(String(c))),
    );
    child.stdout.destroy(); // what `head -1` does once it has its line
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toMatch(/^ID +UPDATED/);
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

describe('query and the CLI sessions, with the real CLI', () => {
  it('query, sessions list/messages/rename --cli, import, and query --session continuing it', async () => {
    const { api, box } = sandbox;
    const db = join(work, 'cli.db');
    const env = { ...box.env, CCFLOW_CLAUDE_CLI_PATH: box.cliPath, CCFLOW_SESSION_STORAGE_PATH: db };
    const id = randomUUID();

    api.enqueue(reply.text('Pipes carry the bytes'));
    const first = await ccflow(['query', '--session-id', id, 'Write a haiku about pipes'], env, box.cwd);
    expect(first, first.err).toEqual({ code: 0, out: 'Pipes carry the bytes\n', err: '' });

    const listed = await ccflow(['sessions', 'list', '--cli', '--json'], env, box.cwd);
    expect(listed.code, listed.err).toBe(0);
    const [info] = JSON.parse(listed.out);
    expect(info).toMatchObject({ sessionId: id, firstPrompt: 'Write a haiku about pipes', tag: null });
    expect(Object.keys(info).sort()).toEqual([
      'createdAt',
      'customTitle',
      'cwd',
      'filePath',
      'firstPrompt',
      'gitBranch',
      'sessionId',
      'sizeBytes',
      'tag',
      'title',
      'updatedAt',
    ]);
    const transcript = await ccflow(['sessions', 'messages', id], env, box.cwd);
    expect(transcript.out).toBe('> Write a haiku about pipes\nPipes carry the bytes\n');
    const ndjson = (await ccflow(['sessions', 'messages', id, '--json'], env, box.cwd)).out
      .trim()
      .split('\n');
    expect(ndjson.map((l) => JSON.parse(l).type)).toEqual(expect.arrayContaining(['user', 'assistant']));

    expect((await ccflow(['sessions', 'rename', '--cli', id, 'Pipes'], env, box.cwd)).code).toBe(0);
    const imported = await ccflow(['sessions', 'import', '--json'], env, box.cwd);
    expect(JSON.parse(imported.out)).toEqual({
      imported: 1,
      updated: 0,
      skipped: 0,
      failed: 0,
      failures: [],
    });

    api.enqueue(reply.text('They flow on'));
    const second = await ccflow(['query', '--session', id, '--stream-json', 'And then?'], env, box.cwd);
    expect(second.code, second.err).toBe(0);
    const messages = second.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(messages.at(-1)).toMatchObject({ type: 'result', sessionId: id, isError: false });
    // The CLI resumed the session: the second request carries the first turn.
    expect(JSON.stringify(api.messageRequests.at(-1)?.body.messages)).toContain('Write a haiku about pipes');
    const shown = JSON.parse((await ccflow(['sessions', 'show', id, '--json'], env, box.cwd)).out);
    expect(shown).toMatchObject({ sessionId: id, title: 'Pipes', turnCount: 2 });
  });
});

describe('health', () => {
  it('healthy with the real CLI: exit 0, its version and where its credentials come from, as JSON and a table', async () => {
    const { box } = sandbox;
    const env = { ...box.env, CCFLOW_CLAUDE_CLI_PATH: box.cliPath };
    const ran = await ccflow(['health', '--json'], env);
    expect(ran.code).toBe(0);
    const status = JSON.parse(ran.out);
    expect(status).toMatchObject({
      healthy: true,
      cli: { ok: true, path: box.cliPath },
      version: { ok: true, version: '2.1.332' },
      auth: { ok: true, probe: 'status', apiKeySource: 'ANTHROPIC_API_KEY' },
    });
    expect(ran.out).not.toContain(box.env.ANTHROPIC_API_KEY);
    const table = await ccflow(['health', '--probe', 'skip'], env);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^CHECK +OK +DETAIL\n/);
    expect(table.out).toMatch(/\nversion +yes +2\.1\.332\n/);
  });

  it('a CLI that is not there: exit 1, saying so; a bad --probe is exit 2', async () => {
    const ran = await ccflow(['health', '--json'], { CCFLOW_CLAUDE_CLI_PATH: '/nonexistent/claude' });
    expect(ran.code).toBe(1);
    expect(JSON.parse(ran.out)).toMatchObject({ healthy: false, cli: { ok: false } });
    const bad = await ccflow(['health', '--probe', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^ccflow: option '--probe <kind>' argument 'maybe' is invalid/);
  });
});
