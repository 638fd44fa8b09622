import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliProjectDir } from '../src/cli-session-paths.ts';

/**
 * Synthetic CLI transcripts for unit tests, in the shapes the pinned CLI writes (see `cli-session-files.cli.test.ts`
 * for the real ones): a temp config directory, and entries to write into it.
 */
export class CliTranscripts {
  readonly configDir = mkdtempSync(join(tmpdir(), 'ccflow-cli-files-'));
  readonly cwd = '/work/some project';

  /** Writes a session file (entries as JSON lines, or raw text) with its modification time; returns its path. */
  write(
    sessionId: string,
    entries: readonly (Record<string, unknown> | string)[],
    { cwd = this.cwd, mtime }: { cwd?: string; mtime?: Date } = {},
  ): string {
    const dir = cliProjectDir(cwd, this.configDir);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${sessionId}.jsonl`);
    const text = entries.map((e) => (typeof e === 'string' ? e : `${JSON.stringify(e)}\n`)).join('');
    writeFileSync(file, text);
    if (mtime) utimesSync(file, mtime, mtime);
    return file;
  }

  close(): void {
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

export const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

/** A prompt entry as the CLI writes it. */
export function prompt(sessionId: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    parentUuid: null,
    isSidechain: false,
    type: 'user',
    message: { role: 'user', content: text },
    uuid: randomUUID(),
    timestamp: at(0).toISOString(),
    cwd: '/work/some project',
    sessionId,
    gitBranch: 'main',
    ...extra,
  };
}

/** One content block of an assistant API message, as the CLI writes it (one entry per block). */
export function answer(
  sessionId: string,
  block: Record<string, unknown>,
  messageId = 'msg_1',
  model = 'opus',
) {
  return {
    parentUuid: null,
    isSidechain: false,
    type: 'assistant',
    message: {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model,
      content: [block],
      stop_reason: null,
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 2,
        cache_creation_input_tokens: 1,
      },
    },
    uuid: randomUUID(),
    timestamp: at(1).toISOString(),
    sessionId,
  };
}

/** A tool result entry: the user entry that carries it, with the CLI's `toolUseResult`. */
export function toolResult(sessionId: string, toolUseId: string, output: string) {
  return {
    parentUuid: null,
    isSidechain: false,
    type: 'user',
    message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content: output }] },
    toolUseResult: { stdout: output, stderr: '', interrupted: false },
    uuid: randomUUID(),
    timestamp: at(1).toISOString(),
    sessionId,
  };
}

/** The CLI's running totals, as its `cost-state` entry says them. */
export function costState(
  sessionId: string,
  totalCostUSD: number,
  inputTokens: number,
  outputTokens: number,
) {
  return {
    type: 'cost-state',
    sessionId,
    totalCostUSD,
    modelUsage: {
      opus: {
        inputTokens,
        outputTokens,
        thinkingTokens: 0,
        cacheReadInputTokens: 3,
        cacheCreationInputTokens: 4,
      },
    },
  };
}
