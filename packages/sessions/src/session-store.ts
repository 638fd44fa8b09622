import type { CliAgentOptions } from '@ccflow/core';

export const SESSION_STATUSES = ['active', 'closed', 'error', 'expired'] as const;
/** `error`: the last turn failed (the session is still usable); `expired`: unused past the manager's TTL. */
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * The options a session keeps so another process can continue it: options are JSON data (callbacks travel in the
 * request's `host`), kept without `env` (it may hold secrets) and `redaction`. See `storableOptions`.
 */
export type StoredOptions = Omit<CliAgentOptions, 'env' | 'redaction'>;

/** Everything a store keeps about one session. */
export interface SessionState {
  sessionId: string;
  /**
   * The store's count of writes to this record, for optimistic concurrency: 0 for a state never saved, else the
   * version it was loaded at (see `SessionStore`). The store sets it; `save` resolves to the new one.
   */
  version: number;
  createdAt: Date;
  /** The last activity: a turn, a status change. */
  updatedAt: Date;
  status: SessionStatus;
  /** The model asked for (`options.model`), else the one the CLI reported. */
  model: string | undefined;
  systemPrompt: string | undefined;
  /** The session this one was forked from. */
  parentSessionId: string | undefined;
  /** The project the session belongs to (`@ccflow/tracing`). */
  projectId: string | undefined;
  /** A name for people (`Session.setTitle`; the CLI's own title for an imported session). */
  title: string | undefined;
  turnCount: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  totalCacheReadTokens: number;
  totalCacheWriteTokens: number;
  totalThinkingTokens: number;
  totalCostUsd: number;
  tags: string[];
  metadata: Record<string, unknown>;
  options: StoredOptions;
  /** Why the last turn failed, when it did. */
  lastError: string | undefined;
}

/** What `list` returns: the state without its options. */
export type SessionMetadata = Omit<SessionState, 'options'>;

export interface SessionFilter {
  status?: SessionStatus;
  projectId?: string;
  model?: string;
  /** Sessions carrying every one of these tags. */
  tags?: string[];
  /** Inclusive bounds on `createdAt`. */
  createdAfter?: Date;
  createdBefore?: Date;
  /** Default: all. */
  limit?: number;
  offset?: number;
}

/**
 * Where sessions live. Implementations: `MemorySessionStore` here, `SQLiteSessionStore` in `@ccflow/stores-sqlite`,
 * or your own: `@ccflow/sessions/testing` has the conformance suite every store must pass (it is the executable
 * form of this contract).
 *
 * - `save` inserts or replaces the whole state, with optimistic concurrency: it writes only when `state.version` is
 *   the stored version (0: no session with this id is stored), and resolves to the new version (the old one plus
 *   1; 1 for a new record). Otherwise it rejects with `StoreConflictError` and writes nothing: someone else wrote
 *   since the state was loaded. The check and the write are one atomic step, so of many concurrent saves from one
 *   loaded version exactly one wins. `updateStatus` adds 1 to the version too; `delete` and `cleanup` need none.
 *   A store keeps its own copy.
 * - `list` and `count` take the same filter: every given field matches exactly and case-sensitively (`%`, `_`,
 *   quotes are plain text); `tags` means carrying all of them (`[]`: no filter); date bounds are inclusive.
 *   `list` orders newest `createdAt` first, ties by `sessionId` in binary order, and pages with `limit`/`offset`
 *   (non-negative integers); `count` ignores both.
 * - `cleanup(olderThanMs)` deletes sessions whose `updatedAt` is strictly older than now minus `olderThanMs` and
 *   returns how many; `updateStatus` sets `updatedAt` to now.
 * - Dates round-trip to the millisecond; tags as an array, in order; `metadata` and `options` as JSON (give
 *   JSON-safe values); missing optional fields load as `undefined`.
 * - Input no store can keep (an empty id, an invalid date or version) rejects with `StoreInputError`; after
 *   `close()` every call rejects with `StoreClosedError`; closing twice is fine. Every error is a `StoreError`.
 */
export interface SessionStore {
  /** Resolves to the state's new version. */
  save(state: SessionState): Promise<number>;
  load(sessionId: string): Promise<SessionState | undefined>;
  delete(sessionId: string): Promise<boolean>;
  list(filter?: SessionFilter): Promise<SessionMetadata[]>;
  exists(sessionId: string): Promise<boolean>;
  count(filter?: SessionFilter): Promise<number>;
  /** Sets the status, touches `updatedAt` and adds 1 to the version; false when there is no such session. */
  updateStatus(sessionId: string, status: SessionStatus): Promise<boolean>;
  cleanup(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
