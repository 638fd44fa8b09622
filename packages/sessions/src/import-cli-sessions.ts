import { type RedactionConfig, Redactor } from '@ccflow/core';
import { type ListCliSessionsOptions, pageCliSessionFiles } from './cli-session-files.ts';
import { type CliSessionInfo, promptText, readCliSessionInfo } from './cli-session-info.ts';
import { readCliTranscript } from './cli-session-reader.ts';
import type { SessionState, SessionStore } from './session-store.ts';
import { StoreConflictError } from './store-errors.ts';

export interface ImportCliSessionsOptions extends ListCliSessionsOptions {
  /** The project the imported sessions belong to (`@ccflow/tracing`). */
  projectId?: string;
  /** How secrets are hidden in what is stored (titles are prompts); see `options.redaction`. */
  redaction?: RedactionConfig;
}

export interface ImportCliSessionsResult {
  /** New in the store. */
  imported: number;
  /** In the store already, and the CLI's file had more: its counts were raised to the file's. */
  updated: number;
  /** In the store already, at least as new as the file (or written by someone else meanwhile). */
  skipped: number;
  /** Files that could not be read or states the store refused; the import went on without them. */
  failed: number;
  failures: { sessionId: string; filePath: string; error: string }[];
}

/** `metadata.importedFrom` of an imported session. */
export const IMPORTED_FROM_CLI = 'claude-cli';

/**
 * Copies the CLI's sessions (those `listCliSessions(options)` lists) into `store`, each under its CLI session id so
 * a `Session` loaded from the store resumes it (`options.cwd` is the session's working directory, which the CLI needs
 * to find it). Turns are the prompts in the transcript; tokens and cost are the CLI's own running totals (its last
 * `cost-state` entry), else the tokens of its API messages; title and tag are the CLI's.
 *
 * Idempotent: a session already in the store is left alone unless its file was written after the stored
 * `updatedAt`; then only the counts are raised to the file's (never lowered) and `updatedAt` moved on, keeping the
 * store's title, tags, status and metadata, which may have changed since. Every write is a versioned save: a
 * session someone else wrote meanwhile is skipped, not overwritten. A file that cannot be read, or a state the
 * store refuses, is counted as failed and the import goes on.
 */
export async function importCliSessions(
  store: SessionStore,
  options: ImportCliSessionsOptions = {},
): Promise<ImportCliSessionsResult> {
  const result: ImportCliSessionsResult = { imported: 0, updated: 0, skipped: 0, failed: 0, failures: [] };
  const redactor = new Redactor(options.redaction === undefined ? {} : { redaction: options.redaction });
  for (const file of await pageCliSessionFiles(options)) {
    try {
      const info = await readCliSessionInfo(file.filePath);
      if (info === undefined) throw new Error(`cannot read ${file.filePath}`);
      const state = await cliSessionState(info, redactor, options.projectId);
      result[await merge(store, state)] += 1;
    } catch (error) {
      result.failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      result.failures.push({ sessionId: file.sessionId, filePath: file.filePath, error: message });
    }
  }
  return result;
}

/** Saves `state` as new, or raises a stored older copy's counts to it; which of the three it was. */
async function merge(store: SessionStore, state: SessionState): Promise<'imported' | 'updated' | 'skipped'> {
  const stored = await store.load(state.sessionId);
  try {
    if (stored === undefined) {
      await store.save(state);
      return 'imported';
    }
    if (stored.updatedAt.getTime() >= state.updatedAt.getTime()) return 'skipped';
    await store.save({ ...raised(stored, state), updatedAt: state.updatedAt });
    return 'updated';
  } catch (error) {
    if (StoreConflictError.isInstance(error)) return 'skipped';
    throw error;
  }
}

const COUNTS = [
  'turnCount',
  'totalInputTokens',
  'totalOutputTokens',
  'totalCacheReadTokens',
  'totalCacheWriteTokens',
  'totalThinkingTokens',
  'totalCostUsd',
] as const;

function raised(stored: SessionState, file: SessionState): SessionState {
  const out = structuredClone(stored);
  for (const key of COUNTS) out[key] = Math.max(stored[key], file[key]);
  out.model ??= file.model;
  out.title ??= file.title;
  return out;
}

/** A new `SessionState` (version 0) from the session's file: the whole transcript is read, one line at a time. */
async function cliSessionState(
  info: CliSessionInfo,
  redactor: Redactor = new Redactor(),
  projectId?: string,
): Promise<SessionState> {
  let turns = 0;
  let model: string | undefined;
  let costState: Record<string, unknown> | undefined;
  /** Usage per API message id: the CLI writes one entry per content block, each with the message's usage. */
  const usage = new Map<string, Record<string, unknown>>();
  for await (const m of readCliTranscript(info.filePath)) {
    if (m.type === 'user' && promptText(m.raw) !== undefined) turns += 1;
    else if (m.type === 'assistant' && m.error === undefined && m.model !== '<synthetic>') {
      // The CLI's own notices (an API error) are not the model's messages.
      if (m.model) model = m.model;
      if (m.messageId) usage.set(m.messageId, m.usage);
    } else if (m.type === 'unknown' && m.rawType === 'cost-state') costState = m.raw;
  }
  const totals = costState ? costStateTotals(costState) : usageTotals(usage.values());
  const title = info.title === undefined ? undefined : redactor.text(info.title);
  return {
    sessionId: info.sessionId,
    version: 0,
    createdAt: info.createdAt,
    updatedAt: info.updatedAt,
    status: 'active',
    model,
    systemPrompt: undefined,
    parentSessionId: undefined,
    projectId,
    title,
    turnCount: turns,
    ...totals,
    tags: info.tag === undefined ? [] : [info.tag],
    metadata: { importedFrom: IMPORTED_FROM_CLI },
    options: info.cwd === undefined ? {} : { cwd: info.cwd },
    lastError: undefined,
  };
}

type Totals = Pick<SessionState, (typeof COUNTS)[number]>;

/** The CLI's running totals: `totalCostUSD` and its per-model token counts. */
function costStateTotals(entry: Record<string, unknown>): Omit<Totals, 'turnCount'> {
  const totals = zeroTotals();
  totals.totalCostUsd = num(entry.totalCostUSD);
  const models = entry.modelUsage;
  if (typeof models === 'object' && models !== null) {
    for (const u of Object.values(models as Record<string, Record<string, unknown>>)) {
      totals.totalInputTokens += num(u?.inputTokens);
      totals.totalOutputTokens += num(u?.outputTokens);
      totals.totalCacheReadTokens += num(u?.cacheReadInputTokens);
      totals.totalCacheWriteTokens += num(u?.cacheCreationInputTokens);
      totals.totalThinkingTokens += num(u?.thinkingTokens);
    }
  }
  return totals;
}

/** Tokens of the API messages, when the file has no `cost-state` (an older CLI); no cost is known then. */
function usageTotals(usages: Iterable<Record<string, unknown>>): Omit<Totals, 'turnCount'> {
  const totals = zeroTotals();
  for (const u of usages) {
    totals.totalInputTokens += num(u.input_tokens);
    totals.totalOutputTokens += num(u.output_tokens);
    totals.totalCacheReadTokens += num(u.cache_read_input_tokens);
    totals.totalCacheWriteTokens += num(u.cache_creation_input_tokens);
    const details = u.output_tokens_details as Record<string, unknown> | undefined;
    totals.totalThinkingTokens += num(details?.thinking_tokens);
  }
  return totals;
}

function zeroTotals(): Omit<Totals, 'turnCount'> {
  return {
    totalInputTokens: 0,
    totalOutputTokens: 0,
    totalCacheReadTokens: 0,
    totalCacheWriteTokens: 0,
    totalThinkingTokens: 0,
    totalCostUsd: 0,
  };
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
