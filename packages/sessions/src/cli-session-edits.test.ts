import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigurationError, SessionNotFoundError } from '@ccflow/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliTranscripts, prompt } from '../test/cli-transcripts.ts';
import { deleteCliSession, renameCliSession, tagCliSession } from './cli-session-edits.ts';
import { getCliSessionInfo } from './cli-session-files.ts';

let files: CliTranscripts;
beforeEach(() => {
  files = new CliTranscripts();
});
afterEach(() => files.close());

const lastLine = (file: string) => JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!);

describe('renameCliSession', () => {
  it("appends the CLI's custom-title entry and writes its title file beside the transcript", async () => {
    const id = randomUUID();
    const file = files.write(id, [prompt(id, 'first')]);
    await renameCliSession(id, '  Release notes  ', { configDir: files.configDir });
    expect(lastLine(file)).toEqual({ type: 'custom-title', customTitle: 'Release notes', sessionId: id });
    const sidecar = JSON.parse(readFileSync(join(dirname(file), id, 'custom-title.json'), 'utf8'));
    expect(sidecar).toMatchObject({ customTitle: 'Release notes', set: { by: 'user' } });
    expect(await getCliSessionInfo(id, { configDir: files.configDir })).toMatchObject({
      title: 'Release notes',
      customTitle: 'Release notes',
    });
  });

  it('the title file keeps the name once the entry is in neither the first nor the last 64 KiB', async () => {
    const id = randomUUID();
    const filler = { type: 'attachment', sessionId: id, attachment: { text: 'x'.repeat(70_000) } };
    const file = files.write(id, [prompt(id, 'first'), filler]);
    await renameCliSession(id, 'Kept', { configDir: files.configDir });
    writeFileSync(file, `${readFileSync(file, 'utf8')}${JSON.stringify(filler)}\n`);
    expect((await getCliSessionInfo(id, { configDir: files.configDir }))?.title).toBe('Kept');
    rmSync(join(dirname(file), id), { recursive: true });
    expect((await getCliSessionInfo(id, { configDir: files.configDir }))?.title).toBe('first');
  });

  it('after a last line cut short, the entry starts a line of its own', async () => {
    const id = randomUUID();
    const file = files.write(id, [prompt(id, 'first'), '{"type":"assist']);
    await renameCliSession(id, 'After a crash', { configDir: files.configDir });
    expect(lastLine(file)).toMatchObject({ customTitle: 'After a crash' });
  });

  it('refuses a blank title and an unknown session, creating nothing', async () => {
    const configDir = files.configDir;
    const blank = await renameCliSession(randomUUID(), '  ', { configDir }).catch((e) => e);
    expect(ConfigurationError.isInstance(blank)).toBe(true);
    const id = randomUUID();
    const missing = await renameCliSession(id, 'x', { configDir, cwd: files.cwd }).catch((e) => e);
    expect(SessionNotFoundError.isInstance(missing)).toBe(true);
    expect(existsSync(join(configDir, 'projects'))).toBe(false);
  });
});

describe('tagCliSession', () => {
  it('appends a tag entry; null clears the tag', async () => {
    const id = randomUUID();
    const file = files.write(id, [prompt(id, 'first')]);
    const configDir = files.configDir;
    await tagCliSession(id, 'urgent', { configDir });
    expect(lastLine(file)).toEqual({ type: 'tag', tag: 'urgent', sessionId: id });
    expect((await getCliSessionInfo(id, { configDir }))?.tag).toBe('urgent');
    await tagCliSession(id, null, { configDir });
    expect(lastLine(file)).toEqual({ type: 'tag', tag: '', sessionId: id });
    expect((await getCliSessionInfo(id, { configDir }))?.tag).toBeUndefined();
    const blank = await tagCliSession(id, ' ', { configDir }).catch((e) => e);
    expect(ConfigurationError.isInstance(blank)).toBe(true);
  });
});

describe('deleteCliSession', () => {
  it('removes the transcript and the directory beside it; false when there is nothing to delete', async () => {
    const id = randomUUID();
    const file = files.write(id, [prompt(id, 'first')]);
    mkdirSync(join(dirname(file), id, 'subagents'), { recursive: true });
    const other = randomUUID();
    const kept = files.write(other, [prompt(other, 'other')]);
    expect(await deleteCliSession(id, { configDir: files.configDir })).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(dirname(file), id))).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(await deleteCliSession(id, { configDir: files.configDir })).toBe(false);
  });
});
