import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '@ccflow/core';
import { type CliSessionInfo, readCliSessionInfo } from './cli-session-info.ts';
import {
  type CliSessionFilesOptions,
  checkCliSessionId,
  cliProjectDir,
  cliProjectsDir,
  isCliSessionId,
} from './cli-session-paths.ts';

export interface ListCliSessionsOptions extends CliSessionFilesOptions {
  /** Inclusive bounds on `updatedAt` (the file's last write). */
  since?: Date;
  until?: Date;
  /** Default: all. */
  limit?: number;
  offset?: number;
}

/** A session file found on disk, before its contents are read. */
export interface CliSessionFile {
  sessionId: string;
  projectDir: string;
  filePath: string;
  updatedAt: Date;
  sizeBytes: number;
}

/** Files stat'ed at once: enough to keep the disk busy, few enough to stay far from the open-files limit. */
const PARALLEL = 32;

/**
 * The CLI's sessions, newest `updatedAt` first (ties by id), paged. Each project directory is listed and each file
 * stat'ed; only the files of the page are opened, and only their first and last 64 KiB read, so listing thousands
 * of sessions stays cheap. With `cwd`, only that working directory's project directory is read (the CLI names it
 * after the path, so two paths that differ only in punctuation share one). Empty files are left out.
 */
export async function listCliSessions(options: ListCliSessionsOptions = {}): Promise<CliSessionInfo[]> {
  const infos = await mapParallel(await pageCliSessionFiles(options), (f) => readCliSessionInfo(f.filePath));
  return infos.filter((info): info is CliSessionInfo => info !== undefined);
}

/** The files `listCliSessions` reads: filtered, sorted and paged on what `stat` says, none of them opened. */
export async function pageCliSessionFiles(options: ListCliSessionsOptions = {}): Promise<CliSessionFile[]> {
  checkListOptions(options);
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const until = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const files = (await cliSessionFiles(options))
    .filter((f) => f.updatedAt.getTime() >= since && f.updatedAt.getTime() <= until)
    .sort(newestFirst);
  const offset = options.offset ?? 0;
  return files.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
}

/** One session's `CliSessionInfo`, or `undefined` when no project directory has its file. */
export async function getCliSessionInfo(
  sessionId: string,
  options: CliSessionFilesOptions = {},
): Promise<CliSessionInfo | undefined> {
  const file = await findCliSessionFile(sessionId, options);
  return file === undefined ? undefined : readCliSessionInfo(file.filePath);
}

/** Every non-empty `<uuid>.jsonl` in the project directories looked in, unordered. */
export async function cliSessionFiles(options: CliSessionFilesOptions = {}): Promise<CliSessionFile[]> {
  const dirs = await projectDirs(options);
  const names = await mapParallel(dirs, async (dir) =>
    (await listDir(dir))
      .filter((name) => name.endsWith('.jsonl') && isCliSessionId(name.slice(0, -6)))
      .map((name) => ({ dir, name })),
  );
  const files = await mapParallel(names.flat(), async ({ dir, name }) => fileAt(dir, name.slice(0, -6)));
  return files.filter((f): f is CliSessionFile => f !== undefined);
}

/** The file of session `sessionId`: in `cwd`'s project directory when given, else in any. */
export async function findCliSessionFile(
  sessionId: string,
  options: CliSessionFilesOptions = {},
): Promise<CliSessionFile | undefined> {
  checkCliSessionId(sessionId);
  for (const dir of await projectDirs(options)) {
    const file = await fileAt(dir, sessionId);
    if (file) return file;
  }
  return undefined;
}

async function projectDirs(options: CliSessionFilesOptions): Promise<string[]> {
  if (options.cwd !== undefined) return [cliProjectDir(options.cwd, options.configDir)];
  const root = cliProjectsDir(options.configDir);
  return (await listDir(root)).sort().map((name) => join(root, name));
}

async function fileAt(projectDir: string, sessionId: string): Promise<CliSessionFile | undefined> {
  const filePath = join(projectDir, `${sessionId}.jsonl`);
  try {
    const s = await stat(filePath);
    if (!s.isFile() || s.size === 0) return undefined;
    return { sessionId, projectDir, filePath, updatedAt: s.mtime, sizeBytes: s.size };
  } catch {
    return undefined;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

function newestFirst(a: CliSessionFile, b: CliSessionFile): number {
  const byTime = b.updatedAt.getTime() - a.updatedAt.getTime();
  if (byTime !== 0) return byTime;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/** `fn` over `items`, at most `PARALLEL` at a time, results in input order. */
async function mapParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

function checkListOptions(options: ListCliSessionsOptions): void {
  for (const field of ['limit', 'offset'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw new ConfigurationError({ field, problem: `must be a non-negative integer, got ${value}` });
  }
  for (const field of ['since', 'until'] as const) {
    const value = options[field];
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime())))
      throw new ConfigurationError({ field, problem: 'must be a valid Date' });
  }
}
