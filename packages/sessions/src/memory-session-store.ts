import { MemoryRecords } from './memory-records.ts';
import type {
  SessionFilter,
  SessionMetadata,
  SessionState,
  SessionStatus,
  SessionStore,
} from './session-store.ts';
import { checkAge, checkCount, checkDate, checkId, checkVersion } from './store-checks.ts';

/**
 * Sessions in a `Map`, gone with the process: for tests, scripts and single-process services. Every state is
 * deep-copied on the way in and out, so a caller mutating what it saved or loaded never changes what is stored —
 * the same isolation a database store gives for free.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new MemoryRecords<SessionState>({ store: 'memory session', record: 'session state' });

  async save(state: SessionState): Promise<number> {
    this.#sessions.assertOpen();
    checkState(state);
    return this.#sessions.save(state.sessionId, state);
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    return this.#sessions.load(sessionId);
  }

  async delete(sessionId: string): Promise<boolean> {
    return this.#sessions.delete(sessionId);
  }

  async list(filter: SessionFilter = {}): Promise<SessionMetadata[]> {
    this.#sessions.assertOpen();
    checkFilter(filter);
    const offset = filter.offset ?? 0;
    const end = filter.limit === undefined ? undefined : offset + filter.limit;
    return this.#matching(filter)
      .sort(newestFirst)
      .slice(offset, end)
      .map(({ options: _, ...metadata }) => this.#sessions.copy(metadata));
  }

  async exists(sessionId: string): Promise<boolean> {
    return this.#sessions.has(sessionId);
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: SessionFilter = {}): Promise<number> {
    this.#sessions.assertOpen();
    checkFilter(filter);
    return this.#matching(filter).length;
  }

  async updateStatus(sessionId: string, status: SessionStatus): Promise<boolean> {
    return this.#sessions.update(sessionId, (state) => {
      state.status = status;
      state.updatedAt = new Date();
    });
  }

  async cleanup(olderThanMs: number): Promise<number> {
    this.#sessions.assertOpen();
    checkAge(olderThanMs);
    const cutoff = Date.now() - olderThanMs;
    return this.#sessions.deleteWhere((state) => state.updatedAt.getTime() < cutoff);
  }

  async close(): Promise<void> {
    this.#sessions.close();
  }

  #matching(filter: SessionFilter): SessionState[] {
    const after = filter.createdAfter?.getTime();
    const before = filter.createdBefore?.getTime();
    const tags = filter.tags ?? [];
    return this.#sessions
      .values()
      .filter(
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
