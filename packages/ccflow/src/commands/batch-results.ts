import { type QueryResult, Redactor } from '@ccflow/core';
import type { BatchItem } from './batch-input.ts';

/** One line of `ccflow batch`'s output: the same names as `QueryResult` and the CLI's result message. */
export interface BatchRecord {
  id: string | number;
  ok: boolean;
  /** The answer (the result's text); `''` when the prompt failed before any. */
  text: string;
  /** With a `jsonSchema` option, the structured answer; else `null`. */
  structuredOutput: unknown;
  error: { code: string; message: string } | null;
  /** What this prompt's turn cost, as the CLI reported it. */
  costUsd: number;
  durationMs: number;
  numTurns: number;
  sessionId: string | null;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
}

export function batchRecord(item: BatchItem, r: QueryResult): BatchRecord {
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = r.usage;
  return {
    id: item.id,
    ok: !r.isError,
    text: r.text,
    structuredOutput: r.structuredOutput ?? null,
    // The message may quote what the CLI printed: no secret of the options in the output.
    error:
      r.error === undefined
        ? null
        : { code: r.error.code, message: new Redactor(item.options).text(r.error.message) },
    costUsd: r.costUsd,
    durationMs: r.durationMs,
    numTurns: r.numTurns,
    sessionId: r.sessionId ?? null,
    usage: { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens },
  };
}

/**
 * Writes records as JSONL in input order: a record that completes before an earlier one waits until every earlier
 * one is written. `flushAll` (on interruption) writes the waiting ones too, still in order, skipping the gaps.
 */
export class OrderedWriter {
  readonly #write: (line: string) => void;
  readonly #waiting = new Map<number, BatchRecord>();
  #next = 0;
  #written = 0;

  /** `write` gets one complete line (with its newline) at a time. */
  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  /** Records written so far. */
  get written(): number {
    return this.#written;
  }

  /** The record of the prompt at `index` (0-based, among the prompts this writer orders). */
  put(index: number, record: BatchRecord): void {
    this.#waiting.set(index, record);
    for (let r = this.#waiting.get(this.#next); r !== undefined; r = this.#waiting.get(this.#next)) {
      this.#emit(this.#next, r);
      this.#next++;
    }
  }

  flushAll(): void {
    for (const index of [...this.#waiting.keys()].sort((a, b) => a - b))
      this.#emit(index, this.#waiting.get(index) as BatchRecord);
  }

  #emit(index: number, record: BatchRecord): void {
    this.#waiting.delete(index);
    this.#write(`${JSON.stringify(record)}\n`);
    this.#written++;
  }
}
