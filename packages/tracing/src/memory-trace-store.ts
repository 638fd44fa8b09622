import { StoreClosedError } from '@ccflow/sessions';
import {
  checkAge,
  checkCount,
  checkDate,
  checkId,
  checkVersion,
  nextVersion,
  storedCopy,
} from '@ccflow/sessions/store-kit';
import type { TraceData, TraceFilter, TraceStore } from './trace-store.ts';

const DEFAULT_LIMIT = 100;

/**
 * Traces in a `Map`, gone with the process: for tests, scripts and single-process services. Every trace is
 * deep-copied on the way in and out, so a caller mutating what it saved or loaded never changes what is stored —
 * the same isolation a database store gives for free.
 */
export class MemoryTraceStore implements TraceStore {
  readonly #traces = new Map<string, TraceData>();
  #closed = false;

  async save(trace: TraceData): Promise<number> {
    this.#open();
    checkTrace(trace);
    const stored = storedCopy(trace, 'trace');
    stored.version = nextVersion(trace.traceId, trace.version, this.#traces.get(trace.traceId)?.version);
    this.#traces.set(trace.traceId, stored);
    return stored.version;
  }

  async load(traceId: string): Promise<TraceData | undefined> {
    this.#open();
    const trace = this.#traces.get(traceId);
    return trace === undefined ? undefined : storedCopy(trace, 'trace');
  }

  async delete(traceId: string): Promise<boolean> {
    this.#open();
    return this.#traces.delete(traceId);
  }

  async list(filter: TraceFilter = {}): Promise<TraceData[]> {
    this.#open();
    checkFilter(filter);
    const offset = filter.offset ?? 0;
    return this.#matching(filter)
      .sort(turnOrder)
      .slice(offset, offset + (filter.limit ?? DEFAULT_LIMIT))
      .map((t) => storedCopy(t, 'trace'));
  }

  async getSessionTraces(sessionId: string, limit?: number): Promise<TraceData[]> {
    return this.list({ sessionId, limit });
  }

  async getProjectTraces(projectId: string, limit?: number): Promise<TraceData[]> {
    return this.list({ projectId, limit });
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: TraceFilter = {}): Promise<number> {
    this.#open();
    checkFilter(filter);
    return this.#matching(filter).length;
  }

  async cleanup(olderThanMs: number): Promise<number> {
    this.#open();
    checkAge(olderThanMs);
    const cutoff = Date.now() - olderThanMs;
    let deleted = 0;
    for (const [id, trace] of this.#traces) {
      if (trace.updatedAt.getTime() < cutoff) {
        this.#traces.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#traces.clear();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError({ store: 'memory trace' });
  }

  #matching(filter: TraceFilter): TraceData[] {
    const after = filter.after?.getTime();
    const before = filter.before?.getTime();
    return [...this.#traces.values()].filter(
      (t) =>
        (filter.sessionId === undefined || t.sessionId === filter.sessionId) &&
        (filter.projectId === undefined || t.projectId === filter.projectId) &&
        (filter.status === undefined || t.status === filter.status) &&
        (filter.parentTraceId === undefined || t.parentTraceId === filter.parentTraceId) &&
        (after === undefined || t.createdAt.getTime() >= after) &&
        (before === undefined || t.createdAt.getTime() <= before),
    );
  }
}

/** The contract's order: oldest `createdAt` first, then `sequenceNumber`, then `traceId` (a session reads in turn order). */
function turnOrder(a: TraceData, b: TraceData): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    a.sequenceNumber - b.sequenceNumber ||
    (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0)
  );
}

/** What no store can keep: a trace without an id, a date or version that is not one. */
function checkTrace(trace: TraceData): void {
  checkId('traceId', trace?.traceId);
  checkVersion(trace.version);
  checkDate('createdAt', trace.createdAt);
  checkDate('updatedAt', trace.updatedAt);
}

function checkFilter(filter: TraceFilter): void {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.after !== undefined) checkDate('after', filter.after);
  if (filter.before !== undefined) checkDate('before', filter.before);
}
