import type {
  SessionFilter,
  SessionMetadata,
  SessionState,
  SessionStatus,
  SessionStore,
} from './session-store.ts';
import {
  checkAge,
  checkCount,
  checkDate,
  checkId,
  checkVersion,
  nextVersion,
  storedCopy,
} from './store-checks.ts';
import { StoreClosedError } from './store-errors.ts';

/**
 * Sessions in a `Map`, gone with the process: for tests, scripts and single-process services. Every state is
 * deep-copied on the way in and out, so a caller mutating what it saved or loaded never changes what is stored —
 * the same isolation a database store gives for free.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, SessionState>();
  #closed = false;

  async save(state: SessionState): Promise<number> {
    this.#open();
    checkState(state);
    const stored = storedCopy(state, 'session state');
    stored.version = nextVersion(
      state.sessionId,
      state.version,
      this.#sessions.get(state.sessionId)?.version,
    );
    this.#sessions.set(state.sessionId, stored);
    return stored.version;
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    this.#open();
    const state = this.#sessions.get(sessionId);
    return state === undefined ? undefined : storedCopy(state, 'session state');
  }

  async delete(sessionId: string): Promise<boolean> {
    this.#open();
    return this.#sessions.delete(sessionId);
  }

  async list(filter: SessionFilter = {}): Promise<SessionMetadata[]> {
    this.#open();
    checkFilter(filter);
    const offset = filter.offset ?? 0;
    const end = filter.limit === undefined ? undefined : offset + filter.limit;
    return this.#matching(filter)
      .sort(newestFirst)
      .slice(offset, end)
      .map(({ options: _, ...metadata }) => storedCopy(metadata, 'session state'));
  }

  async exists(sessionId: string): Promise<boolean> {
    this.#open();
    return this.#sessions.has(sessionId);
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: SessionFilter = {}): Promise<number> {
    this.#open();
    checkFilter(filter);
    return this.#matching(filter).length;
  }

  async updateStatus(sessionId: string, status: SessionStatus): Promise<boolean> {
    this.#open();
    const state = this.#sessions.get(sessionId);
    if (state === undefined) return false;
    state.status = status;
    state.updatedAt = new Date();
    state.version += 1;
    return true;
  }

  async cleanup(olderThanMs: number): Promise<number> {
    this.#open();
    checkAge(olderThanMs);
    const cutoff = Date.now() - olderThanMs;
    let deleted = 0;
    for (const [id, state] of this.#sessions) {
      if (state.updatedAt.getTime() < cutoff) {
        this.#sessions.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#sessions.clear();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError({ store: 'memory session' });
  }

  #matching(filter: SessionFilter): SessionState[] {
    const after = filter.createdAfter?.getTime();
    const before = filter.createdBefore?.getTime();
    const tags = filter.tags ?? [];
    return [...this.#sessions.values()].filter(
      (s) =>
        (filter.status === undefined || s.status === filter.status) &&
        (filter.projectId === undefined || s.projectId === filter.projectId) &&
        (filter.model === undefined || s.model === filter.model) &&
        (after === undefined || s.createdAt.getTime() >= after) &&
        (before === undefined || s.createdAt.getTime() <= before) &&
        tags.every((tag) => s.tags.includes(tag)),
    );
  }
}

/** The contract's order: newest `createdAt` first, ties by `sessionId` ascending. */
function newestFirst(a: SessionMetadata, b: SessionMetadata): number {
  const byDate = b.createdAt.getTime() - a.createdAt.getTime();
  if (byDate !== 0) return byDate;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/** What no store can keep: a session without an id, a date that is not one, a version that is not one. */
function checkState(state: SessionState): void {
  checkId('sessionId', state?.sessionId);
  checkVersion(state.version);
  checkDate('createdAt', state.createdAt);
  checkDate('updatedAt', state.updatedAt);
}

function checkFilter(filter: SessionFilter): void {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.createdAfter !== undefined) checkDate('createdAfter', filter.createdAfter);
  if (filter.createdBefore !== undefined) checkDate('createdBefore', filter.createdBefore);
}
