import type { SessionFilter, SessionState } from '@ccflow/sessions';
import type { TraceData } from '@ccflow/tracing';
import type pg from 'pg';

const SESSION_COLUMNS = `session_id, version, created_at, updated_at, status, model, system_prompt, parent_session_id,
  project_id, title, turn_count, total_input_tokens, total_output_tokens, total_cache_read_tokens,
  total_cache_write_tokens, total_thinking_tokens, total_cost_usd, tags, metadata, options, last_error`;
const TRACE_COLUMNS = `trace_id, version, session_id, project_id, parent_trace_id, sequence_number, prompt, context,
  response, thinking, tool_calls, message_stream, options_snapshot, model, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens, thinking_tokens, cost_usd, duration_ms, status, error_message, resume_at,
  otel_trace_id, otel_span_id, created_at, updated_at, metadata`;
const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');

function sessionValues(s: SessionState, version: number): unknown[] {
  return [
    s.sessionId,
    version,
    s.createdAt.toISOString(),
    s.updatedAt.toISOString(),
    s.status,
    s.model ?? null,
    s.systemPrompt ?? null,
    s.parentSessionId ?? null,
    s.projectId ?? null,
    s.title ?? null,
    s.turnCount,
    s.totalInputTokens,
    s.totalOutputTokens,
    s.totalCacheReadTokens,
    s.totalCacheWriteTokens,
    s.totalThinkingTokens,
    s.totalCostUsd,
    s.tags,
    JSON.stringify(s.metadata),
    JSON.stringify(s.options),
    s.lastError ?? null,
  ];
}

function traceValues(t: TraceData): unknown[] {
  return [
    t.traceId,
    1,
    t.sessionId,
    t.projectId ?? null,
    t.parentTraceId ?? null,
    t.sequenceNumber,
    t.prompt,
    t.context === undefined ? null : JSON.stringify(t.context),
    t.response,
    t.thinking,
    JSON.stringify(t.toolCalls),
    t.messageStream === undefined ? null : JSON.stringify(t.messageStream),
    JSON.stringify(t.optionsSnapshot),
    t.model ?? null,
    t.inputTokens,
    t.outputTokens,
    t.cacheReadTokens,
    t.cacheWriteTokens,
    t.thinkingTokens,
    t.costUsd,
    t.durationMs,
    t.status,
    t.errorMessage ?? null,
    t.resumeAt ?? null,
    t.otelTraceId ?? null,
    t.otelSpanId ?? null,
    t.createdAt.toISOString(),
    t.updatedAt.toISOString(),
    JSON.stringify(t.metadata),
  ];
}

/**
 * The stores' work as plain `pg` statements on tables of the stores' schema (in `schema`): prepared, every value a
 * parameter, no validation, rows as the driver returns them. What the store adds on top is the difference.
 */
export class RawPostgres {
  readonly #pool: pg.Pool;
  readonly #insertSession: string;
  readonly #updateSession: string;
  readonly #insertTrace: string;
  readonly #s: string;

  constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#s = schema;
    this.#insertSession = `INSERT INTO ${schema}.sessions (${SESSION_COLUMNS}) VALUES (${placeholders(21)})
ON CONFLICT (session_id) DO NOTHING`;
    this.#updateSession = `UPDATE ${schema}.sessions SET (${SESSION_COLUMNS}) = (${placeholders(21)})
WHERE session_id = $1 AND version = $22`;
    this.#insertTrace = `INSERT INTO ${schema}.traces (${TRACE_COLUMNS}) VALUES (${placeholders(29)})
ON CONFLICT (trace_id) DO NOTHING`;
  }

  #query(client: pg.Pool | pg.PoolClient, name: string, text: string, values: unknown[]) {
    return client.query({ name: `raw_${name}`, text, values });
  }

  async saveSession(s: SessionState): Promise<void> {
    await this.#query(this.#pool, 'insert_session', this.#insertSession, sessionValues(s, 1));
  }

  async updateSession(s: SessionState): Promise<void> {
    const values = [...sessionValues(s, s.version + 1), s.version];
    await this.#query(this.#pool, 'update_session', this.#updateSession, values);
  }

  async saveSessions(states: SessionState[]): Promise<void> {
    await this.#batch(states, (c, s) =>
      this.#query(c, 'insert_session', this.#insertSession, sessionValues(s, 1)),
    );
  }

  async saveTraces(traces: TraceData[]): Promise<void> {
    await this.#batch(traces, (c, t) => this.#query(c, 'insert_trace', this.#insertTrace, traceValues(t)));
  }

  async #batch<T>(items: T[], write: (client: pg.PoolClient, item: T) => Promise<unknown>): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      for (const item of items) await write(client, item);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  async loadSession(id: string): Promise<unknown> {
    const sql = `SELECT * FROM ${this.#s}.sessions WHERE session_id = $1`;
    return (await this.#query(this.#pool, 'load_session', sql, [id])).rows[0];
  }

  async loadTrace(id: string): Promise<unknown> {
    const sql = `SELECT * FROM ${this.#s}.traces WHERE trace_id = $1`;
    return (await this.#query(this.#pool, 'load_trace', sql, [id])).rows[0];
  }

  /** The filter's page, newest first: the same SQL shape as the store's, written out. */
  async listSessions(filter: SessionFilter): Promise<{ session_id: string }[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(`${sql} $${values.length}`);
    };
    if (filter.status) add('status =', filter.status);
    if (filter.projectId) add('project_id =', filter.projectId);
    if (filter.model) add('model =', filter.model);
    if (filter.tags?.length) add('tags @>', filter.tags);
    if (filter.createdAfter) add('created_at >=', filter.createdAfter.toISOString());
    if (filter.createdBefore) add('created_at <=', filter.createdBefore.toISOString());
    values.push(filter.limit ?? null);
    const sql = `SELECT session_id, version, created_at, updated_at, status, model, system_prompt, parent_session_id,
  project_id, title, turn_count, total_input_tokens, total_output_tokens, total_cache_read_tokens,
  total_cache_write_tokens, total_thinking_tokens, total_cost_usd, tags, metadata, last_error
FROM ${this.#s}.sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY created_at DESC, session_id LIMIT $${values.length}`;
    return (await this.#pool.query({ text: sql, values })).rows;
  }

  async listSessionTraces(sessionId: string): Promise<unknown[]> {
    const sql = `SELECT * FROM ${this.#s}.traces WHERE session_id = $1
ORDER BY created_at, sequence_number, trace_id LIMIT 100`;
    return (await this.#query(this.#pool, 'session_traces', sql, [sessionId])).rows;
  }

  async cleanupSessions(olderThanMs: number): Promise<number> {
    const sql = `DELETE FROM ${this.#s}.sessions WHERE updated_at < $1`;
    const cutoff = new Date(Date.now() - olderThanMs).toISOString();
    return (await this.#pool.query(sql, [cutoff])).rowCount ?? 0;
  }
}
