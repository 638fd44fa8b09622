import { StoreError } from '@ccflow/sessions';
import { SCHEMA_VERSION, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import Database from 'better-sqlite3';

/** A session as the list shows it. */
export interface SessionListRow {
  session_id: string;
  created_at: number;
  updated_at: number;
  status: string;
  model: string | null;
  title: string | null;
  project_id: string | null;
  turn_count: number;
  total_input_tokens: number;
  total_output_tokens: number;
  total_cost_usd: number;
  tags: string;
}

/** A session with everything the session page shows. */
export interface SessionDetail extends SessionListRow {
  system_prompt: string | null;
  parent_session_id: string | null;
  total_cache_read_tokens: number;
  total_cache_write_tokens: number;
  total_thinking_tokens: number;
  last_error: string | null;
  metadata: string;
}

/** A trace as a list shows it. */
export interface TraceListRow {
  trace_id: string;
  session_id: string;
  sequence_number: number;
  prompt: string;
  status: string;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  duration_ms: number;
  created_at: number;
}

/** A whole trace row. */
export interface TraceDetail extends TraceListRow {
  project_id: string | null;
  parent_trace_id: string | null;
  context: string | null;
  response: string;
  thinking: string;
  tool_calls: string;
  message_stream: string | null;
  options_snapshot: string;
  cache_read_tokens: number;
  cache_write_tokens: number;
  thinking_tokens: number;
  error_message: string | null;
  resume_at: string | null;
  otel_trace_id: string | null;
  otel_span_id: string | null;
  updated_at: number;
  metadata: string;
}

export interface ProjectRow {
  project_id: string;
  name: string;
  description: string;
  parent_project_id: string | null;
  created_at: number;
}

/** Sessions, cost and tokens of the sessions whose `projectId` is `project_id` (null: no project). */
export interface ProjectTotals {
  project_id: string | null;
  sessions: number;
  cost_usd: number;
  tokens: number;
}

/** Cost and tokens of the traces of one UTC day and model. */
export interface UsageRow {
  day: number;
  model: string | null;
  traces: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

export interface SessionQuery {
  status?: string;
  model?: string;
  tag?: string;
  /** `null`: the sessions of no project. */
  projectId?: string | null;
  /** Inclusive bounds on `created_at`, epoch ms. */
  from?: number;
  to?: number;
  /** The last row of the previous page: the page starts after it (keyset paging, list order). */
  after?: { createdAt: number; sessionId: string };
  limit: number;
}

const SESSION_LIST = `s.session_id, s.created_at, s.updated_at, s.status, s.model, s.title, s.project_id,
s.turn_count, s.total_input_tokens, s.total_output_tokens, s.total_cost_usd, s.tags`;
const TRACE_LIST = `trace_id, session_id, sequence_number, substr(prompt, 1, 300) AS prompt, status, model,
input_tokens, output_tokens, cost_usd, duration_ms, created_at`;

/**
 * The ui's view of a ccflow SQLite file: a read-only connection (it cannot write, whatever a page asks) and the
 * few queries the pages need, each walking an index in page order and stopping at the page's size.
 */
export class ReadStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #onQuery: ((sql: string, params: unknown[]) => void) | undefined;

  /**
   * Opens the file once through the store first, which creates a missing file and brings an older schema up to
   * date (every ccflow process does so on open), then reads it through a read-only connection. `onQuery` sees
   * each statement run (the tests check their plans).
   */
  constructor(path: string, options: { onQuery?: (sql: string, params: unknown[]) => void } = {}) {
    this.#onQuery = options.onQuery;
    const store = new SQLiteTraceStore({ dbPath: path });
    this.path = store.path;
    void store.close();
    this.#db = new Database(this.path, { readonly: true, fileMustExist: true, timeout: 5000 });
    const version = this.#db.pragma('user_version', { simple: true });
    if (version !== SCHEMA_VERSION) {
      this.#db.close();
      throw new StoreError({
        message: `the ui reads schema version ${SCHEMA_VERSION}; the file has ${String(version)}`,
        path: this.path,
      });
    }
  }

  #all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#statement(sql, params).all(...params) as T[];
  }

  #get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#statement(sql, params).get(...params) as T | undefined;
  }

  #statement(sql: string, params: unknown[]): Database.Statement {
    this.#onQuery?.(sql, params);
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Changes whenever another connection commits to the file: a cheap question to poll (no table is read). */
  dataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }

  projects(): ProjectRow[] {
    return this.#all(
      'SELECT project_id, name, description, parent_project_id, created_at FROM projects ORDER BY created_at, project_id',
    );
  }

  project(projectId: string): ProjectRow | undefined {
    return this.#get(
      'SELECT project_id, name, description, parent_project_id, created_at FROM projects WHERE project_id = ?',
      projectId,
    );
  }

  /** One row per project that has sessions (and one for sessions of none), from a covering index. */
  projectTotals(): ProjectTotals[] {
    return this.#all(`SELECT project_id, count(*) AS sessions, total(total_cost_usd) AS cost_usd,
total(total_input_tokens + total_output_tokens) AS tokens
FROM sessions INDEXED BY sessions_totals_by_project GROUP BY project_id`);
  }

  /** A page of sessions in list order (newest first, ties by id), after `q.after`. */
  sessions(q: SessionQuery): SessionListRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    let from: string;
    let created = 's.created_at';
    let id = 's.session_id';
    if (q.tag !== undefined) {
      from = 'session_tags AS t CROSS JOIN sessions AS s';
      created = 't.created_at';
      id = 't.session_id';
      where.push('t.tag = ?', 's.session_id = t.session_id');
      params.push(q.tag);
    } else {
      const index =
        q.projectId !== undefined
          ? 'sessions_by_project'
          : q.model !== undefined
            ? 'sessions_by_model'
            : q.status !== undefined
              ? 'sessions_by_status'
              : 'sessions_by_created';
      from = `sessions AS s INDEXED BY ${index}`;
    }
    const equal = (column: string, value: string | null | undefined) => {
      if (value === undefined) return;
      if (value === null) {
        where.push(`s.${column} IS NULL`);
        return;
      }
      where.push(`s.${column} = ?`);
      params.push(value);
    };
    equal('status', q.status);
    equal('model', q.model);
    equal('project_id', q.projectId);
    if (q.from !== undefined) {
      where.push(`${created} >= ?`);
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push(`${created} <= ?`);
      params.push(q.to);
    }
    if (q.after !== undefined) {
      // The first term bounds the index range; the second drops the previous page's rows of the same time.
      where.push(`${created} <= ?`, `(${created} < ? OR ${id} > ?)`);
      params.push(q.after.createdAt, q.after.createdAt, q.after.sessionId);
    }
    const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
    params.push(q.limit);
    return this.#all(
      `SELECT ${SESSION_LIST} FROM ${from}${whereSql} ORDER BY ${created} DESC, ${id} LIMIT ?`,
      ...params,
    );
  }

  session(sessionId: string): SessionDetail | undefined {
    return this.#get(
      `SELECT ${SESSION_LIST}, s.system_prompt, s.parent_session_id, s.total_cache_read_tokens,
s.total_cache_write_tokens, s.total_thinking_tokens, s.last_error, s.metadata FROM sessions AS s WHERE session_id = ?`,
      sessionId,
    );
  }

  /** The models sessions used: one index seek per model, not a scan. */
  models(): string[] {
    return this.#all<{ model: string }>(`WITH RECURSIVE m(model) AS (
  SELECT (SELECT min(model) FROM sessions)
  UNION ALL SELECT (SELECT min(model) FROM sessions WHERE model > m.model) FROM m WHERE m.model IS NOT NULL
) SELECT model FROM m WHERE model IS NOT NULL`).map((r) => r.model);
  }

  /** A session's traces in turn order (at most `limit`). */
  sessionTraces(sessionId: string, limit: number): TraceListRow[] {
    return this.#all(
      `SELECT ${TRACE_LIST} FROM traces INDEXED BY traces_by_session WHERE session_id = ?
ORDER BY created_at, sequence_number, trace_id LIMIT ?`,
      sessionId,
      limit,
    );
  }

  trace(traceId: string): TraceDetail | undefined {
    return this.#get('SELECT * FROM traces WHERE trace_id = ?', traceId);
  }

  traceSummary(traceId: string): TraceListRow | undefined {
    return this.#get(`SELECT ${TRACE_LIST} FROM traces WHERE trace_id = ?`, traceId);
  }

  /** The traces that replay or follow from `traceId`. */
  children(traceId: string, limit: number): TraceListRow[] {
    return this.#all(
      `SELECT ${TRACE_LIST} FROM traces INDEXED BY traces_by_parent WHERE parent_trace_id = ?
ORDER BY created_at, sequence_number, trace_id LIMIT ?`,
      traceId,
      limit,
    );
  }

  /** Cost and tokens per UTC day and model of the traces created in [from, to], from a covering index. */
  usage(from: number, to: number): UsageRow[] {
    return this.#all(
      `SELECT created_at / 86400000 AS day, model, count(*) AS traces, total(cost_usd) AS cost_usd,
total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens
FROM traces INDEXED BY traces_usage WHERE created_at BETWEEN ? AND ? GROUP BY day, model ORDER BY day, model`,
      from,
      to,
    );
  }

  /**
   * The newest traces whose prompt or answer contains `text` (case-insensitive for ASCII), at most `limit`:
   * a scan from the newest trace that stops at the limit.
   */
  search(text: string, limit: number): TraceListRow[] {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.#all(
      `SELECT ${TRACE_LIST} FROM traces INDEXED BY traces_by_created
WHERE prompt LIKE ? ESCAPE '\\' OR response LIKE ? ESCAPE '\\'
ORDER BY created_at DESC, sequence_number DESC, trace_id DESC LIMIT ?`,
      pattern,
      pattern,
      limit,
    );
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}
