import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '@ccflow/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answer, at, CliTranscripts, prompt } from '../test/cli-transcripts.ts';
import { getCliSessionInfo, listCliSessions } from './cli-session-files.ts';
import { HEAD_TAIL_BYTES } from './cli-session-info.ts';
import { cliConfigDir, cliProjectDir, cliProjectDirName } from './cli-session-paths.ts';

let files: CliTranscripts;
beforeEach(() => {
  files = new CliTranscripts();
});
afterEach(() => files.close());

describe('where the CLI keeps its sessions', () => {
  it('names a project directory after the path: every character but ASCII letters and digits becomes -', () => {
    expect(cliProjectDirName('/work/some project/a_b.c')).toBe('-work-some-project-a-b-c');
    expect(cliProjectDirName('/tmp/café')).toBe('-tmp-caf-');
  });

  it('cuts a name over 200 characters and adds a hash of the path, as the pinned CLI named this one', () => {
    // The directory the real CLI 2.1.332 made for this working directory.
    const path = `/tmp/ccflow-claude-ApI5vv/${'a'.repeat(120)}/${'b-c.d_e'.repeat(20)}`;
    const replaced = `-tmp-ccflow-claude-ApI5vv-${'a'.repeat(120)}-${'b-c-d-e'.repeat(20)}`;
    expect(cliProjectDirName(path)).toBe(`${replaced.slice(0, 200)}-iplidq`);
  });

  it('the config directory is the option, else $CLAUDE_CONFIG_DIR, else ~/.claude', () => {
    expect(cliConfigDir('/x/y')).toBe('/x/y');
    const saved = process.env.CLAUDE_CONFIG_DIR;
    try {
      process.env.CLAUDE_CONFIG_DIR = '/from/env';
      expect(cliConfigDir()).toBe('/from/env');
      delete process.env.CLAUDE_CONFIG_DIR;
      expect(cliConfigDir()).toMatch(/\/\.claude$/);
    } finally {
      if (saved === undefined) delete process.env.CLAUDE_CONFIG_DIR;
      else process.env.CLAUDE_CONFIG_DIR = saved;
    }
  });
});

describe('listCliSessions', () => {
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  function threeSessions() {
    files.write(ids[0]!, [prompt(ids[0]!, 'first')], { mtime: at(1) });
    files.write(ids[1]!, [prompt(ids[1]!, 'second')], { mtime: at(2) });
    files.write(ids[2]!, [prompt(ids[2]!, 'elsewhere', { cwd: '/other' })], { cwd: '/other', mtime: at(3) });
  }

  it('lists every project newest first, with what the file says', async () => {
    threeSessions();
    const list = await listCliSessions({ configDir: files.configDir });
    expect(list.map((s) => s.sessionId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(list[1]).toMatchObject({
      sessionId: ids[1],
      cwd: '/work/some project',
      projectDir: cliProjectDir('/work/some project', files.configDir),
      title: 'second',
      firstPrompt: 'second',
      gitBranch: 'main',
      createdAt: at(0),
      updatedAt: at(2),
    });
    expect(list[1]!.sizeBytes).toBeGreaterThan(100);
  });

  it('pages with limit and offset, bounds updatedAt with since and until, keeps to one cwd when given', async () => {
    threeSessions();
    const configDir = files.configDir;
    expect((await listCliSessions({ configDir, limit: 1, offset: 1 })).map((s) => s.sessionId)).toEqual([
      ids[1],
    ]);
    expect((await listCliSessions({ configDir, since: at(2) })).map((s) => s.sessionId)).toEqual([
      ids[2],
      ids[1],
    ]);
    expect((await listCliSessions({ configDir, until: at(2) })).map((s) => s.sessionId)).toEqual([
      ids[1],
      ids[0],
    ]);
    const here = await listCliSessions({ configDir, cwd: files.cwd });
    expect(here.map((s) => s.sessionId)).toEqual([ids[1], ids[0]]);
  });

  it('passes over files that are not sessions: other names, empty files, directories', async () => {
    threeSessions();
    const dir = cliProjectDir(files.cwd, files.configDir);
    writeFileSync(join(dir, 'notes.jsonl'), '{}\n');
    writeFileSync(join(dir, `${randomUUID()}.jsonl`), '');
    mkdirSync(join(dir, `${randomUUID()}.jsonl`));
    expect(await listCliSessions({ configDir: files.configDir })).toHaveLength(3);
    expect(await listCliSessions({ configDir: join(files.configDir, 'missing') })).toEqual([]);
  });

  it('refuses a bad page or time bound with a ConfigurationError', async () => {
    for (const bad of [{ limit: -1 }, { offset: 1.5 }, { since: new Date('nope') }]) {
      const error = await listCliSessions({ configDir: files.configDir, ...bad }).catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error)).toBe(true);
    }
  });

  it('pages 1,000 sessions by their stat alone: only the page is opened', async () => {
    const many = Array.from({ length: 1000 }, () => randomUUID());
    many.forEach((id, i) => {
      files.write(id, [prompt(id, `prompt ${i}`)], { mtime: new Date(at(0).getTime() + i * 1000) });
    });
    const started = performance.now();
    const page = await listCliSessions({ configDir: files.configDir, limit: 20, offset: 10 });
    const ms = performance.now() - started;
    expect(page.map((s) => s.title)).toEqual(Array.from({ length: 20 }, (_, i) => `prompt ${989 - i}`));
    expect(ms).toBeLessThan(5_000);
  });
});

describe('what a session file says (its first and last 64 KiB)', () => {
  const id = randomUUID();
  const filler = (n: number) =>
    Array.from({ length: n }, () => ({
      type: 'attachment',
      sessionId: id,
      attachment: { text: 'x'.repeat(1000) },
    }));

  it('title: the name set last, else the generated title, else the first prompt the user typed', async () => {
    const entries: Record<string, unknown>[] = [
      prompt(id, '<command-name>/clear</command-name>'),
      prompt(id, 'reminder', { isMeta: true }),
      prompt(id, '  Fix   the\nbuild  '),
    ];
    files.write(id, entries);
    const configDir = files.configDir;
    expect(await getCliSessionInfo(id, { configDir })).toMatchObject({
      title: 'Fix the build',
      firstPrompt: 'Fix the build',
    });
    files.write(id, [...entries, { type: 'ai-title', aiTitle: 'Build fix', sessionId: id }]);
    expect((await getCliSessionInfo(id, { configDir }))?.title).toBe('Build fix');
    files.write(id, [
      ...entries,
      { type: 'custom-title', customTitle: 'Old name', sessionId: id },
      { type: 'ai-title', aiTitle: 'Build fix', sessionId: id },
      { type: 'custom-title', customTitle: 'New name', sessionId: id },
      { type: 'tag', tag: 'red', sessionId: id },
    ]);
    expect(await getCliSessionInfo(id, { configDir })).toMatchObject({
      title: 'New name',
      customTitle: 'New name',
      tag: 'red',
    });
  });

  it('a long first prompt is cut to 200 characters', async () => {
    files.write(id, [prompt(id, 'y'.repeat(500))]);
    expect((await getCliSessionInfo(id, { configDir: files.configDir }))?.firstPrompt).toBe(
      `${'y'.repeat(200)}…`,
    );
  });

  it('reads a large file at its ends only: a name in the middle is not seen, lines cut by a window are passed over', async () => {
    const file = files.write(id, [
      prompt(id, 'the start'),
      ...filler(100),
      { type: 'custom-title', customTitle: 'In the middle', sessionId: id },
      ...filler(100),
      { type: 'tag', tag: 'at-the-end', sessionId: id },
    ]);
    const info = await getCliSessionInfo(id, { configDir: files.configDir });
    expect(info?.sizeBytes).toBeGreaterThan(3 * HEAD_TAIL_BYTES);
    expect(info).toMatchObject({
      filePath: file,
      title: 'the start',
      customTitle: undefined,
      tag: 'at-the-end',
    });
  });

  it('an empty tag is a cleared one; odd lines (not JSON, cut short, arrays) are passed over', async () => {
    files.write(id, [
      'not json\n',
      '[1,2]\n',
      prompt(id, 'hello'),
      { type: 'tag', tag: 'red', sessionId: id },
      { type: 'tag', tag: '', sessionId: id },
      '{"type":"custom-title","customTi',
    ]);
    expect(await getCliSessionInfo(id, { configDir: files.configDir })).toMatchObject({
      title: 'hello',
      tag: undefined,
    });
  });

  it('getCliSessionInfo: undefined for an unknown session; a ConfigurationError for an id that is not a UUID', async () => {
    expect(await getCliSessionInfo(randomUUID(), { configDir: files.configDir })).toBeUndefined();
    const error = await getCliSessionInfo('../../etc/passwd', { configDir: files.configDir }).catch((e) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
  });

  it('createdAt is the first entry time; assistant entries do not count as prompts', async () => {
    files.write(id, [answer(id, { type: 'text', text: 'hi' }), prompt(id, 'later')], { mtime: at(9) });
    expect(await getCliSessionInfo(id, { configDir: files.configDir })).toMatchObject({
      createdAt: at(1),
      updatedAt: at(9),
      firstPrompt: 'later',
    });
  });
});
