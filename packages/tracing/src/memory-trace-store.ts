import {
  checkAge,
  checkCount,
  checkDate,
  checkId,
  checkVersion,
  MemoryRecords,
} from '@ccflow/sessions/store-kit';
import type { TraceData, TraceFilter, TraceStore } from './trace-store.ts';

const DEFAULT_LIMIT = 100;

/**
 * Traces in a `Map`, gone with the process: for tests, scripts and single-process services. Every trace is
 * deep-copied on the way in and out, so a caller mutating what it saved or loaded never changes what is stored —
 * the same isolation a database store gives for free.
 */
export class MemoryTraceStore implements TraceStore {
  readonly #traces = new MemoryRecords<TraceData>({ store: 'memory trace', record: 'trace' });

  async save(trace: TraceData): Promise<number> {
    this.#traces.assertOpen();
    checkTrace(trace);
    return this.#traces.save(trace.traceId, trace);
  }

  async load(traceId: string): Promise<TraceData | undefined> {
    return this.#traces.load(traceId);
  }

  async delete(traceId: string): Promise<boolean> {
    return this.#traces.delete(traceId);
  }

  async list(filter: TraceFilter = {}): Promise<TraceData[]> {
    this.#traces.assertOpen();
    checkFilter(filter);
    const offset = filter.offset ?? 0;
    return this.#matching(filter)
      .sort(turnOrder)
      .slice(offset, offset + (filter.limit ?? DEFAULT_LIMIT))
      .map((t) => this.#traces.copy(t));
  }

  async getSessionTraces(sessionId: string, limit?: number): Promise<TraceData[]> {
    return this.list({ sessionId, limit });
  }

  async getProjectTraces(projectId: string, limit?: number): Promise<TraceData[]> {
    return this.list({ projectId, limit });
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: TraceFilter = {}): Promise<number> {
    this.#traces.assertOpen();
    checkFilter(filter);
    return this.#matching(filter).length;
  }

  async cleanup(olderThanMs: number): Promise<number> {
    this.#traces.assertOpen();
    checkAge(olderThanMs);
    const cutoff = Date.now() - olderThanMs;
    return this.#traces.deleteWhere((trace) => trace.updatedAt.getTime() < cutoff);
  }

  async close(): Promise<void> {
    this.#traces.close();
  }

  #matching(filter: TraceFilter): TraceData[] {
    const after = filter.after?.getTime();
    const before = filter.before?.getTime();
    return this.#traces
      .values()
      .filter(
        (t) =>
          (filter.sessionId === undefined || t.sessionId === filter.sessionId) &&
          (filter.projectId === undefined || t.projectId === filter.projectId) &&
          (filter.status === undefined || t.status === filter.status) &&
          (filter.model === undefined || t.model === filter.model) &&
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
