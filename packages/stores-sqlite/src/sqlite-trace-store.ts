import { checkAge } from '@ccflow/sessions/store-kit';
import type { TraceData, TraceFilter, TraceStore } from '@ccflow/tracing';
import { StoreHandle } from './store-handle.ts';
import type { SQLiteStoreOptions } from './store-options.ts';
import { traceQuery } from './trace-query.ts';
import { SAVE_TRACE, TRACE_COLUMNS, type TraceRow, toTrace, traceParams } from './trace-row.ts';
import { saveVersioned } from './versioned-save.ts';

const LOAD_TRACE = `SELECT ${TRACE_COLUMNS.join(', ')} FROM traces WHERE trace_id = ?`;

/**
 * Traces in a SQLite file, alone or beside the sessions and projects of the same file (pass the same path).
 * Options, default path and errors as `SQLiteSessionStore`. Traces outlive their session and project: deleting
 * either keeps its traces; `cleanup` here is what removes them.
 */
export class SQLiteTraceStore implements TraceStore {
  readonly #handle: StoreHandle;

  constructor(options?: string | SQLiteStoreOptions) {
    this.#handle = new StoreHandle('trace', options);
  }

  /** The absolute path of the database file. */
  get path(): string {
    return this.#handle.path;
  }

  async save(trace: TraceData): Promise<number> {
    return this.#handle.write('save a trace', () => this.#save(trace));
  }

  /**
   * Saves every trace in one transaction: all of them are stored, or (on any error, a version conflict included)
   * none. Resolves to their new versions, in order.
   */
  async saveMany(traces: Iterable<TraceData>): Promise<number[]> {
    return this.#handle.write('save traces', () => [...traces].map((trace) => this.#save(trace)));
  }

  async load(traceId: string): Promise<TraceData | undefined> {
    return this.#handle.read('load a trace', () => {
      const row = this.#handle.statement(LOAD_TRACE).get(traceId);
      return row === undefined ? undefined : toTrace(row as TraceRow);
    });
  }

  async delete(traceId: string): Promise<boolean> {
    return this.#handle.write(
      'delete a trace',
      () => this.#handle.statement('DELETE FROM traces WHERE trace_id = ?').run(traceId).changes > 0,
    );
  }

  async list(filter: TraceFilter = {}): Promise<TraceData[]> {
    return this.#handle.read('list traces', () => {
      const { sql, params } = traceQuery(filter, 'list');
      return (this.#handle.statement(sql).all(...params) as TraceRow[]).map(toTrace);
    });
  }

  async getSessionTraces(sessionId: string, limit?: number): Promise<TraceData[]> {
    return this.list({ sessionId, limit });
  }

  async getProjectTraces(projectId: string, limit?: number): Promise<TraceData[]> {
    return this.list({ projectId, limit });
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: TraceFilter = {}): Promise<number> {
    return this.#handle.read('count traces', () => {
      const { sql, params } = traceQuery(filter, 'count');
      return this.#handle
        .statement(sql)
        .pluck()
        .get(...params) as number;
    });
  }

  async cleanup(olderThanMs: number): Promise<number> {
    const deleted = this.#handle.write('clean up traces', () => {
      checkAge(olderThanMs);
      const sql = 'DELETE FROM traces WHERE updated_at < ?';
      return this.#handle.statement(sql).run(Date.now() - olderThanMs).changes;
    });
    if (deleted > 0) this.#handle.vacuum();
    return deleted;
  }

  async close(): Promise<void> {
    this.#handle.close();
  }

  /** `await using store = new …`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #save(trace: TraceData): number {
    return saveVersioned(this.#handle, SAVE_TRACE, traceParams(trace), trace.version);
  }
}
