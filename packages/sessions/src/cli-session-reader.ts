import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, SessionNotFoundError } from '@ccflow/core';
import {
  type DecodedLine,
  type DecodeOptions,
  type Message,
  MessageParser,
  messagesOf,
  NdjsonDecoder,
} from '@ccflow/parser';
import { findCliSessionFile } from './cli-session-files.ts';
import type { CliSessionFilesOptions } from './cli-session-paths.ts';

export interface ReadCliSessionOptions extends CliSessionFilesOptions, DecodeOptions {
  /** Read this subagent's transcript instead of the session's (see `listCliSubagents`). */
  agentId?: string;
}

/** A subagent the session ran, whose transcript the CLI keeps beside the session's. */
export interface CliSubagentInfo {
  agentId: string;
  filePath: string;
  /** From the CLI's `.meta.json` beside the transcript, when it wrote one. */
  agentType: string | undefined;
  description: string | undefined;
  /** The session's `Agent` tool call that started it. */
  toolUseId: string | undefined;
  sizeBytes: number;
}

/** Transcript read per chunk: memory stays at about this plus the longest line, whatever the file's size. */
const CHUNK_BYTES = 64 * 1024;

const AGENT_ID = /^[A-Za-z0-9_-]+$/;

/**
 * A session's transcript as typed `@ccflow/parser` messages, streamed in file order (the order the CLI wrote the
 * entries; a conversation rewound with `resumeSessionAt` keeps its abandoned branch in the file). The file is read
 * in 64 KiB chunks, so a file of any size takes memory for one line at a time (lines over `maxLineBytes` become
 * `error` messages). `user` and `assistant` entries become `user` / `assistant` messages with their views (`text`,
 * `thinking`, `tool_use`, `tool_result`); the CLI's own user entries (`isMeta`) are `isSynthetic`. Every other entry
 * (`attachment`, `queue-operation`, `cost-state`, `custom-title`, ... ) is an `unknown` message with the entry as
 * `raw`, and a line that is not JSON (a line cut short by a crash) an `error` message: nothing throws for a line.
 * `raw` is the entry as written, plus the stream-json names the parser reads (`session_id`, `parent_tool_use_id`,
 * `tool_use_result`). Throws `SessionNotFoundError` when there is no such session (or subagent).
 */
export async function* readCliSessionMessages(
  sessionId: string,
  options: ReadCliSessionOptions = {},
): AsyncGenerator<Message> {
  const file = await findCliSessionFile(sessionId, options);
  if (file === undefined)
    throw new SessionNotFoundError({ sessionId, message: notFound(sessionId, options) });
  let filePath = file.filePath;
  let parentToolUseId: string | null = null;
  if (options.agentId !== undefined) {
    const agent = await subagent(file.projectDir, sessionId, options.agentId);
    if (agent === undefined)
      throw new SessionNotFoundError({
        sessionId,
        message: `session ${sessionId} has no subagent ${options.agentId}`,
      });
    filePath = agent.filePath;
    parentToolUseId = agent.toolUseId ?? null;
  }
  yield* readCliTranscript(filePath, options, parentToolUseId);
}

/** The messages of one transcript file (see `readCliSessionMessages`). */
export async function* readCliTranscript(
  filePath: string,
  options: DecodeOptions = {},
  parentToolUseId: string | null = null,
): AsyncGenerator<Message> {
  const decoder = new NdjsonDecoder(options);
  const parser = new MessageParser();
  for await (const chunk of createReadStream(filePath, { highWaterMark: CHUNK_BYTES })) {
    for (const line of decoder.push(chunk as Buffer)) yield* messagesOfEntry(parser, line, parentToolUseId);
  }
  for (const line of decoder.end()) yield* messagesOfEntry(parser, line, parentToolUseId);
}

/** The subagents of a session whose transcripts the CLI kept (`<projectDir>/<sessionId>/subagents/`). */
export async function listCliSubagents(
  sessionId: string,
  options: CliSessionFilesOptions = {},
): Promise<CliSubagentInfo[]> {
  const file = await findCliSessionFile(sessionId, options);
  if (file === undefined)
    throw new SessionNotFoundError({ sessionId, message: notFound(sessionId, options) });
  let names: string[];
  try {
    names = await readdir(subagentsDir(file.projectDir, sessionId));
  } catch {
    return [];
  }
  const agents = await Promise.all(
    names
      .filter((name) => name.startsWith('agent-') && name.endsWith('.jsonl'))
      .sort()
      .map((name) => subagent(file.projectDir, sessionId, name.slice('agent-'.length, -'.jsonl'.length))),
  );
  return agents.filter((a): a is CliSubagentInfo => a !== undefined);
}

function messagesOfEntry(
  parser: MessageParser,
  decoded: DecodedLine,
  parentToolUseId: string | null,
): Message[] {
  if (decoded.kind !== 'json') return messagesOf(parser, decoded);
  return parser.parse(asStreamLine(decoded.value, parentToolUseId), decoded.line);
}

/**
 * A transcript entry with the names a `stream-json` line uses, so the parser reads it: the transcript says
 * `sessionId`, `toolUseResult`, `isMeta` where the stream says `session_id`, `tool_use_result`, `isSynthetic`.
 */
function asStreamLine(value: unknown, parentToolUseId: string | null): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entry = value as Record<string, unknown>;
  const line: Record<string, unknown> = { ...entry };
  if (typeof entry.sessionId === 'string') line.session_id = entry.sessionId;
  if (entry.type === 'user' || entry.type === 'assistant') {
    line.parent_tool_use_id = parentToolUseId;
    if (entry.type === 'user') {
      line.tool_use_result = entry.toolUseResult;
      if (entry.isMeta === true) line.isSynthetic = true;
    }
  }
  return line;
}

function subagentsDir(projectDir: string, sessionId: string): string {
  return join(projectDir, sessionId, 'subagents');
}

async function subagent(
  projectDir: string,
  sessionId: string,
  agentId: string,
): Promise<CliSubagentInfo | undefined> {
  if (!AGENT_ID.test(agentId))
    throw new ConfigurationError({ field: 'agentId', problem: `is not a subagent id: ${agentId}` });
  const dir = subagentsDir(projectDir, sessionId);
  const filePath = join(dir, `agent-${agentId}.jsonl`);
  let sizeBytes: number;
  try {
    const s = await stat(filePath);
    if (!s.isFile()) return undefined;
    sizeBytes = s.size;
  } catch {
    return undefined;
  }
  let meta: Record<string, unknown> = {};
  try {
    meta = JSON.parse(await readFile(join(dir, `agent-${agentId}.meta.json`), 'utf8')) ?? {};
  } catch {
    // no meta file, or one this version cannot read: the transcript is still there
  }
  const text = (key: string) => (typeof meta[key] === 'string' ? (meta[key] as string) : undefined);
  return {
    agentId,
    filePath,
    agentType: text('agentType'),
    description: text('description'),
    toolUseId: text('toolUseId'),
    sizeBytes,
  };
}

function notFound(sessionId: string, options: CliSessionFilesOptions): string {
  const where = options.cwd === undefined ? 'any project' : `the project of ${options.cwd}`;
  return `no CLI session ${sessionId} in ${where}`;
}
