import type { SessionMetadata, SessionState, SessionStatus, StoredOptions } from '@ccflow/sessions';
import { checkDate, checkId, checkVersion, toJson } from '@ccflow/sessions/store-kit';
import { versionedSave } from './versioned-save.ts';

/** A `sessions` row as better-sqlite3 returns it (`options` only when selected). */
export interface SessionRow {
  session_id: string;
  created_at: number;
  updated_at: number;
  status: string;
  model: string | null;
  system_prompt: string | null;
  parent_session_id: string | null;
  project_id: string | null;
  title: string | null;
  turn_count: number;
  total_input_tokens: number;
  total_output_tokens: number;
  total_cache_read_tokens: number;
  total_cache_write_tokens: number;
  total_thinking_tokens: number;
  total_cost_usd: number;
  tags: string;
  metadata: string;
  options?: string;
  last_error: string | null;
  version: number;
}

/** The columns a save writes (the id first); the store owns `version`. */
const WRITTEN = [
  'session_id',
  'created_at',
  'updated_at',
  'status',
  'model',
  'system_prompt',
  'parent_session_id',
  'project_id',
  'title',
  'turn_count',
  'total_input_tokens',
  'total_output_tokens',
  'total_cache_read_tokens',
  'total_cache_write_tokens',
  'total_thinking_tokens',
  'total_cost_usd',
  'tags',
  'metadata',
  'last_error',
  'options',
] as const;

/** The columns `list` reads: all but `options`. */
export const SESSION_METADATA_COLUMNS = [...WRITTEN.filter((c) => c !== 'options'), 'version'];

/** Insert a new session, or update one at the version it was loaded at. */
export const SAVE_SESSION = versionedSave('sessions', WRITTEN);

/**
 * Validates the state and gives the parameters of `SAVE_SESSION`, in its column order (positional: binding
 * by name costs better-sqlite3 a property lookup per column, a fifth of a save).
 */
export function sessionParams(state: SessionState): unknown[] {
  checkId('sessionId', state?.sessionId);
  checkDate('createdAt', state.createdAt);
  checkDate('updatedAt', state.updatedAt);
  checkVersion(state.version);
  return [
    state.sessionId,
    state.createdAt.getTime(),
    state.updatedAt.getTime(),
    state.status,
    state.model ?? null,
    state.systemPrompt ?? null,
    state.parentSessionId ?? null,
    state.projectId ?? null,
    state.title ?? null,
    state.turnCount,
    state.totalInputTokens,
    state.totalOutputTokens,
    state.totalCacheReadTokens,
    state.totalCacheWriteTokens,
    state.totalThinkingTokens,
    state.totalCostUsd,
    toJson('tags', state.tags ?? []),
    toJson('metadata', state.metadata ?? {}),
    state.lastError ?? null,
    toJson('options', state.options ?? {}),
  ];
}

export function toSessionMetadata(row: SessionRow): SessionMetadata {
  return {
    sessionId: row.session_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    status: row.status as SessionStatus,
    model: row.model ?? undefined,
    systemPrompt: row.system_prompt ?? undefined,
    parentSessionId: row.parent_session_id ?? undefined,
    projectId: row.project_id ?? undefined,
    title: row.title ?? undefined,
    turnCount: row.turn_count,
    totalInputTokens: row.total_input_tokens,
    totalOutputTokens: row.total_output_tokens,
    totalCacheReadTokens: row.total_cache_read_tokens,
    totalCacheWriteTokens: row.total_cache_write_tokens,
    totalThinkingTokens: row.total_thinking_tokens,
    totalCostUsd: row.total_cost_usd,
    tags: JSON.parse(row.tags),
    metadata: JSON.parse(row.metadata),
    lastError: row.last_error ?? undefined,
    version: row.version,
  };
}

export function toSessionState(row: SessionRow): SessionState {
  return { ...toSessionMetadata(row), options: JSON.parse(row.options ?? '{}') as StoredOptions };
}
