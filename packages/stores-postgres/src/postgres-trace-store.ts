import { checkAge } from '@ccflow/sessions/store-kit';
import type { TraceData, TraceFilter, TraceStore } from '@ccflow/tracing';
import { lockOrder } from './lock-order.ts';
import { selectList } from './select-list.ts';
import { type Queryable, StoreHandle } from './store-handle.ts';
import type { PostgresStoreOptions } from './store-options.ts';
import { traceQuery } from './trace-query.ts';
import { TRACE_COLUMNS, TRACE_WRITTEN, type TraceRow, toTrace, traceParams } from './trace-row.ts';
import { saveVersioned, type VersionedSave, versionedSave } from './versioned-save.ts';

/**
 * Traces in PostgreSQL, beside the sessions and projects of the same database and schema. Options and errors as
 * `PostgresSessionStore`. Traces outlive their session and project: `cleanup` here is what removes them.
 */
export class PostgresTraceStore implements TraceStore, AsyncDisposable {
  readonly #handle: StoreHandle;
  readonly #table: string;
  readonly #save: VersionedSave;
  readonly #load: string;

  constructor(options: string | PostgresStoreOptions) {
    this.#handle = new StoreHandle('trace', options);
    this.#table = `${this.#handle.schema}.traces`;
    this.#save = versionedSave(this.#table, TRACE_WRITTEN);
    this.#load = `SELECT ${selectList(TRACE_COLUMNS)} FROM ${this.#table} WHERE trace_id = $1`;
  }

  /** The database and schema, as `postgresql://host:port/database#schema` (no credentials). */
  get path(): string {
    return this.#handle.path;
  }

  async save(trace: TraceData): Promise<number> {
    return this.#handle.run('save a trace', (db) => this.#saveOne(db, trace));
  }

  /**
   * Saves every trace in one transaction: all of them are stored, or (on any error, a version conflict included)
   * none. Resolves to their new versions, in order. Rows are written in id order, so batches that share rows lock
   * them in one order and never deadlock each other.
   */
  async saveMany(traces: Iterable<TraceData>): Promise<number[]> {
    const all = [...traces];
    return this.#handle.transaction('save traces', async (db) => {
      const versions: number[] = [];
      for (const i of lockOrder(all, 'traceId')) versions[i] = await this.#saveOne(db, all[i]!);
      return versions;
    });
  }

  async load(traceId: string): Promise<TraceData | undefined> {
    return this.#handle.run('load a trace', async (db) => {
      const { rows } = await db.query<TraceRow>(this.#load, [traceId]);
      return rows[0] === undefined ? undefined : toTrace(rows[0]);
    });
  }

  async delete(traceId: string): Promise<boolean> {
    return this.#handle.run('delete a trace', async (db) => {
      const result = await db.query(`DELETE FROM ${this.#table} WHERE trace_id = $1`, [traceId]);
      return result.rowCount === 1;
    });
  }

  async list(filter: TraceFilter = {}): Promise<TraceData[]> {
    return this.#handle.run('list traces', async (db) => {
      const { sql, params } = traceQuery(this.#table, filter, 'list');
      return (await db.query<TraceRow>(sql, params, false)).rows.map(toTrace);
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
    return this.#handle.run('count traces', async (db) => {
      const { sql, params } = traceQuery(this.#table, filter, 'count');
      return (await db.query<{ n: number }>(sql, params, false)).rows[0]!.n;
    });
  }

  async cleanup(olderThanMs: number): Promise<number> {
    return this.#handle.run('clean up traces', async (db) => {
      checkAge(olderThanMs);
      const cutoff = new Date(Date.now() - olderThanMs).toISOString();
      const result = await db.query(`DELETE FROM ${this.#table} WHERE updated_at < $1`, [cutoff]);
      return result.rowCount ?? 0;
    });
  }

  /** Releases the pool (ending it when the stores created it and none uses it any more); idempotent. */
  async close(): Promise<void> {
    await this.#handle.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #saveOne(db: Queryable, trace: TraceData): Promise<number> {
    return saveVersioned(db, this.#save, traceParams(trace), trace.version, this.#handle.path);
  }
}
