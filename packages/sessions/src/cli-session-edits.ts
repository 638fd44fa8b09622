import { constants } from 'node:fs';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigurationError, SessionNotFoundError } from '@ccflow/core';
import { findCliSessionFile } from './cli-session-files.ts';
import { titleSidecarPath } from './cli-session-info.ts';
import type { CliSessionFilesOptions } from './cli-session-paths.ts';

/**
 * Names a CLI session the way the CLI's own `/rename` does: a `custom-title` entry appended to its transcript, and
 * the name in `<sessionId>/custom-title.json` beside it (so the name is still found once later turns push the entry
 * out of the part of the file a listing reads). The CLI reads it back: `claude --resume "<title>"` finds the session.
 * Throws `SessionNotFoundError` when there is no such session, `ConfigurationError` for a blank title.
 */
export async function renameCliSession(
  sessionId: string,
  title: string,
  options: CliSessionFilesOptions = {},
): Promise<void> {
  const name = typeof title === 'string' ? title.trim() : '';
  if (name === '') throw new ConfigurationError({ field: 'title', problem: 'must not be blank' });
  const filePath = await sessionFile(sessionId, options);
  await append(filePath, { type: 'custom-title', customTitle: name, sessionId });
  const sidecar = titleSidecarPath(filePath, sessionId);
  await mkdir(dirname(sidecar), { recursive: true, mode: 0o700 });
  const set = { by: 'user', at: new Date().toISOString() };
  await writeFile(sidecar, JSON.stringify({ customTitle: name, set }), { mode: 0o600 });
}

/**
 * Tags a CLI session (the CLI keeps one tag; `null` clears it) as the Agent SDK's `tagSession` does: a `tag` entry
 * appended to its transcript. The CLI reads the tag from the end of the file. Throws `SessionNotFoundError` when
 * there is no such session, `ConfigurationError` for a blank tag.
 */
export async function tagCliSession(
  sessionId: string,
  tag: string | null,
  options: CliSessionFilesOptions = {},
): Promise<void> {
  const value = tag === null ? '' : typeof tag === 'string' ? tag.trim() : '';
  if (tag !== null && value === '')
    throw new ConfigurationError({ field: 'tag', problem: 'must not be blank (null clears the tag)' });
  await append(await sessionFile(sessionId, options), { type: 'tag', tag: value, sessionId });
}

/**
 * Deletes a CLI session: its transcript and the directory beside it (subagent transcripts, the title). Resolves to
 * false when there was no such session.
 */
export async function deleteCliSession(
  sessionId: string,
  options: CliSessionFilesOptions = {},
): Promise<boolean> {
  const file = await findCliSessionFile(sessionId, options);
  if (file === undefined) return false;
  await rm(file.filePath, { force: true });
  await rm(join(file.projectDir, sessionId), { recursive: true, force: true });
  return true;
}

async function sessionFile(sessionId: string, options: CliSessionFilesOptions): Promise<string> {
  const file = await findCliSessionFile(sessionId, options);
  if (file === undefined)
    throw new SessionNotFoundError({ sessionId, message: `no CLI session ${sessionId}` });
  return file.filePath;
}

/**
 * One JSON line appended in a single write, to a file that must exist (never created: a session deleted meanwhile
 * stays deleted). The CLI appends the same way. After a last line cut short (a crash), the entry starts a line of
 * its own.
 */
async function append(filePath: string, entry: Record<string, unknown>): Promise<void> {
  const file = await open(filePath, constants.O_RDWR | constants.O_APPEND);
  try {
    const { size } = await file.stat();
    const last = Buffer.alloc(1);
    if (size > 0) await file.read(last, 0, 1, size - 1);
    const lead = size > 0 && last[0] !== 0x0a ? '\n' : '';
    await file.write(`${lead}${JSON.stringify(entry)}\n`);
  } finally {
    await file.close();
  }
}
