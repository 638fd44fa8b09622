import { open, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What the CLI's file says about one of its sessions, read from the file's start and end only. */
export interface CliSessionInfo {
  sessionId: string;
  /** The working directory the CLI ran in, as the transcript records it. */
  cwd: string | undefined;
  /** The directory the file is in: `<configDir>/projects/<cwd as a name>`. */
  projectDir: string;
  filePath: string;
  /**
   * The CLI's own title: the name set by `/rename`, `--name` or `renameCliSession`, else the title the CLI
   * generated, else a compaction summary, else the first prompt.
   */
  title: string | undefined;
  /** The name set by `/rename`, `--name` or `renameCliSession`. */
  customTitle: string | undefined;
  /** The first prompt typed or sent (not the CLI's own messages), cut to 200 characters. */
  firstPrompt: string | undefined;
  /** The last prompt, as the CLI records it. */
  lastPrompt: string | undefined;
  /** The tag set with `tagCliSession` (the CLI keeps one). */
  tag: string | undefined;
  gitBranch: string | undefined;
  /** The first entry's time, else the file's modification time. */
  createdAt: Date;
  /** The file's modification time: the last write. */
  updatedAt: Date;
  sizeBytes: number;
}

/** How much of each end of a file is read: the same 64 KiB the CLI and the Agent SDK read. */
export const HEAD_TAIL_BYTES = 64 * 1024;

/** The longest first prompt kept, as the CLI shows it. */
const PROMPT_CHARS = 200;

type Entry = Record<string, unknown>;

/**
 * Reads what `CliSessionInfo` needs from the first and last 64 KiB of a session file (one read each, whatever the
 * file's size); `undefined` when the file cannot be read. Lines cut by either window, and lines that are not JSON,
 * are passed over.
 */
export async function readCliSessionInfo(filePath: string): Promise<CliSessionInfo | undefined> {
  let ends: { head: string; tail: string; size: number; mtime: Date } | undefined;
  try {
    ends = await readEnds(filePath);
  } catch {
    return undefined;
  }
  const { head, tail, size, mtime } = ends;
  const headEntries = entries(head, false, size > HEAD_TAIL_BYTES);
  const tailEntries = size > HEAD_TAIL_BYTES ? entries(tail, true, false) : headEntries;
  const sessionId = basename(filePath, '.jsonl');
  const last = (type: string | undefined, field: string) => lastString(tailEntries, type, field);
  const first = (type: string | undefined, field: string) => firstString(headEntries, type, field);
  const customTitle =
    last('custom-title', 'customTitle') ??
    (await titleSidecar(filePath, sessionId)) ??
    lastString(headEntries, 'custom-title', 'customTitle');
  const firstPrompt = headEntries.map(promptText).find((text) => text !== undefined);
  const started = first(undefined, 'timestamp');
  const createdAt = started === undefined ? mtime : new Date(started);
  return {
    sessionId,
    cwd: first(undefined, 'cwd'),
    projectDir: dirname(filePath),
    filePath,
    title:
      customTitle ??
      last('ai-title', 'aiTitle') ??
      first('ai-title', 'aiTitle') ??
      last('summary', 'summary') ??
      firstPrompt,
    customTitle,
    firstPrompt,
    lastPrompt: last('last-prompt', 'lastPrompt'),
    // The CLI reads the tag from the end only; an empty tag is a cleared one.
    tag: last('tag', 'tag') || undefined,
    gitBranch: last(undefined, 'gitBranch') ?? first(undefined, 'gitBranch'),
    createdAt: Number.isNaN(createdAt.getTime()) ? mtime : createdAt,
    updatedAt: mtime,
    sizeBytes: size,
  };
}

/** The CLI's user prompt in an entry, as text: not its own messages, tool results or command wrappers. */
export function promptText(entry: Entry): string | undefined {
  if (entry.type !== 'user' || entry.isMeta === true || entry.isCompactSummary === true) return undefined;
  if (entry.isSidechain === true || entry.origin !== undefined) return undefined;
  const message = entry.message as Entry | undefined;
  const content = message?.content;
  const texts: string[] = [];
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    for (const block of content as Entry[]) {
      if (block?.type === 'tool_result') return undefined;
      if (block?.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    }
  }
  for (const raw of texts) {
    const text = raw.replace(/\s+/g, ' ').trim();
    if (text === '' || CLI_WRAPPER.test(text)) continue;
    return text.length > PROMPT_CHARS ? `${text.slice(0, PROMPT_CHARS).trimEnd()}…` : text;
  }
  return undefined;
}

/** Text the CLI puts in a user entry itself: slash-command echoes, command output, reminders, notifications. */
const CLI_WRAPPER =
  /^<(?:command-name|command-message|command-args|local-command-stdout|local-command-stderr|local-command-caveat|system-reminder|task-notification|bash-stdout|bash-stderr)>/;

async function readEnds(filePath: string) {
  const file = await open(filePath, 'r');
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw new Error('not a file');
    const buffer = Buffer.alloc(Math.min(HEAD_TAIL_BYTES, stat.size));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const head = buffer.toString('utf8', 0, bytesRead);
    let tail = head;
    if (stat.size > HEAD_TAIL_BYTES) {
      const read = await file.read(buffer, 0, buffer.length, stat.size - HEAD_TAIL_BYTES);
      tail = buffer.toString('utf8', 0, read.bytesRead);
    }
    return { head, tail, size: stat.size, mtime: stat.mtime };
  } finally {
    await file.close();
  }
}

/** The JSON object lines of a window; `cutStart`/`cutEnd`: its first/last line may be a piece of one. */
function entries(text: string, cutStart: boolean, cutEnd: boolean): Entry[] {
  const lines = text.split('\n');
  if (cutStart) lines.shift();
  if (cutEnd) lines.pop();
  const out: Entry[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(value as Entry);
    } catch {
      // a line cut by a crash, or not JSON: passed over
    }
  }
  return out;
}

function matches(entry: Entry, type: string | undefined, field: string): string | undefined {
  if (type !== undefined && entry.type !== type) return undefined;
  const value = entry[field];
  return typeof value === 'string' ? value : undefined;
}

function firstString(list: Entry[], type: string | undefined, field: string): string | undefined {
  for (const entry of list) {
    const value = matches(entry, type, field);
    if (value !== undefined) return value;
  }
  return undefined;
}

function lastString(list: Entry[], type: string | undefined, field: string): string | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const value = matches(list[i]!, type, field);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `<projectDir>/<sessionId>/custom-title.json`: where the CLI also keeps a session's name, beside the transcript. */
export function titleSidecarPath(filePath: string, sessionId: string): string {
  return join(dirname(filePath), sessionId, 'custom-title.json');
}

async function titleSidecar(filePath: string, sessionId: string): Promise<string | undefined> {
  try {
    const value = JSON.parse(await readFile(titleSidecarPath(filePath, sessionId), 'utf8')) as Entry;
    const title = typeof value?.customTitle === 'string' ? value.customTitle.trim() : '';
    return title || undefined;
  } catch {
    return undefined;
  }
}
