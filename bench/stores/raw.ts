/**
 * The baseline: better-sqlite3 prepared statements written by hand, doing the work the stores do — the same
 * schema, statements, transactions and row mapping (JSON columns parsed, dates built) — with no store around
 * them: no validation, no async, no error translation, no statement cache.
 */
import type { SessionMetadata, SessionState } from '@ccflow/sessions';
import type { TraceData } from '@ccflow/tracing';
import Database from 'better-sqlite3';
import { BASE_MS, SPAN_MS } from './data.ts';

const SESSION_COLS =
  'session_id, created_at, updated_at, status, model, system_prompt, parent_session_id, project_id, turn_count, ' +
  'total_input_tokens, total_output_tokens, total_cache_read_tokens, total_cache_write_tokens, ' +
  'total_thinking_tokens, total_cost_usd, tags, metadata, last_error';
const TRACE_COLS =
  'trace_id, session_id, project_id, parent_trace_id, sequence_number, prompt, context, response, thinking, ' +
  'tool_calls, message_stream, options_snapshot, model, input_tokens, output_tokens, cache_read_tokens, ' +
  'cache_write_tokens, thinking_tokens, cost_usd, duration_ms, status, error_message, resume_at, otel_trace_id, ' +
  'otel_span_id, created_at, updated_at, metadata';
const placeholders = (cols: string) =>
  cols
    .split(',')
    .map(() => '?')
    .join(', ');
const updates = (cols: string) =>
  cols
    .split(', ')
    .slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');

/** A raw row, mapped by hand as a user of better-sqlite3 would. */
type Row = any;

function toMetadata(r: Row): SessionMetadata {
  return {
    sessionId: r.session_id,
    title: r.title ?? undefined,
    version: r.version,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    status: r.status,
    model: r.model ?? undefined,
    systemPrompt: r.system_prompt ?? undefined,
    parentSessionId: r.parent_session_id ?? undefined,
    projectId: r.project_id ?? undefined,
    turnCount: r.turn_count,
    totalInputTokens: r.total_input_tokens,
    totalOutputTokens: r.total_output_tokens,
    totalCacheReadTokens: r.total_cache_read_tokens,
    totalCacheWriteTokens: r.total_cache_write_tokens,
    totalThinkingTokens: r.total_thinking_tokens,
    totalCostUsd: r.total_cost_usd,
    tags: JSON.parse(r.tags),
    metadata: JSON.parse(r.metadata),
    lastError: r.last_error ?? undefined,
  };
}

function toTrace(r: Row): TraceData {
  return {
    traceId: r.trace_id,
    version: r.version,
    sessionId: r.session_id,
    projectId: r.project_id ?? undefined,
    parentTraceId: r.parent_trace_id ?? undefined,
    sequenceNumber: r.sequence_number,
    prompt: r.prompt,
    context: r.context === null ? undefined : JSON.parse(r.context),
    response: r.response,
    thinking: r.thinking,
    toolCalls: JSON.parse(r.tool_calls),
    messageStream: r.message_stream === null ? undefined : JSON.parse(r.message_stream),
    optionsSnapshot: JSON.parse(r.options_snapshot),
    model: r.model ?? undefined,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    thinkingTokens: r.thinking_tokens,
    costUsd: r.cost_usd,
    durationMs: r.duration_ms,
    status: r.status,
    errorMessage: r.error_message ?? undefined,
    resumeAt: r.resume_at ?? undefined,
    otelTraceId: r.otel_trace_id ?? undefined,
    otelSpanId: r.otel_span_id ?? undefined,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    metadata: JSON.parse(r.metadata),
  };
}

/** The list SQL of each bench filter, by name (see `SESSION_FILTERS`), and its parameters. */
const LISTS: Record<string, [string, unknown[]]> = {
  'status=active': [
    `SELECT ${SESSION_COLS} FROM sessions INDEXED BY sessions_by_status WHERE status = ? ORDER BY created_at DESC, session_id LIMIT 50`,
    ['active'],
  ],
  projectId: [
    `SELECT ${SESSION_COLS} FROM sessions INDEXED BY sessions_by_project WHERE project_id = ? ORDER BY created_at DESC, session_id LIMIT 50`,
    ['project-7'],
  ],
  'model+status': [
    `SELECT ${SESSION_COLS} FROM sessions INDEXED BY sessions_by_model WHERE status = ? AND model = ? ORDER BY created_at DESC, session_id LIMIT 50`,
    ['closed', 'claude-opus-4-1'],
  ],
  'tags=[prod]': [
    `SELECT ${SESSION_COLS.replace(/(^|, )/g, '$1s.')} FROM session_tags t0 CROSS JOIN sessions s WHERE t0.tag = ? AND s.session_id = t0.session_id ORDER BY t0.created_at DESC, t0.session_id LIMIT 50`,
    ['prod'],
  ],
  'tags=[prod,urgent]': [
    `SELECT ${SESSION_COLS.replace(/(^|, )/g, '$1s.')} FROM session_tags t0 CROSS JOIN sessions s WHERE t0.tag = ? AND s.session_id = t0.session_id AND EXISTS (SELECT 1 FROM session_tags t WHERE t.tag = ? AND t.created_at = t0.created_at AND t.session_id = t0.session_id) ORDER BY t0.created_at DESC, t0.session_id LIMIT 50`,
    ['prod', 'urgent'],
  ],
  'status+tag+dates': [
    `SELECT ${SESSION_COLS.replace(/(^|, )/g, '$1s.')} FROM session_tags t0 CROSS JOIN sessions s WHERE t0.tag = ? AND s.session_id = t0.session_id AND s.status = ? AND t0.created_at >= ? AND t0.created_at <= ? ORDER BY t0.created_at DESC, t0.session_id LIMIT 50`,
    ['dev', 'active', BASE_MS + SPAN_MS * 0.3, BASE_MS + SPAN_MS * 0.7],
  ],
};

/** One connection to a file the stores created (so: the same schema), with the stores' pragmas. */
export class RawBaseline {
  readonly db: Database.Database;
  readonly #begin;
  readonly #commit;
  readonly #upsertSession;
  readonly #deleteTags;
  readonly #insertTag;
  readonly #upsertTrace;
  readonly #loadSession;
  readonly #loadTrace;
  readonly #lists = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.db = new Database(path, { timeout: 30_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.#begin = this.db.prepare('BEGIN IMMEDIATE');
    this.#commit = this.db.prepare('COMMIT');
    this.#upsertSession = this.db.prepare(
      `INSERT INTO sessions (${SESSION_COLS}, options) VALUES (${placeholders(SESSION_COLS)}, ?) ON CONFLICT (session_id) DO UPDATE SET ${updates(`${SESSION_COLS}, options`)}`,
    );
    this.#deleteTags = this.db.prepare('DELETE FROM session_tags WHERE session_id = ?');
    this.#insertTag = this.db.prepare(
      'INSERT OR IGNORE INTO session_tags (tag, created_at, session_id) VALUES (?, ?, ?)',
    );
    this.#upsertTrace = this.db.prepare(
      `INSERT INTO traces (${TRACE_COLS}) VALUES (${placeholders(TRACE_COLS)}) ON CONFLICT (trace_id) DO UPDATE SET ${updates(TRACE_COLS)}`,
    );
    this.#loadSession = this.db.prepare(`SELECT ${SESSION_COLS}, options FROM sessions WHERE session_id = ?`);
    this.#loadTrace = this.db.prepare(`SELECT ${TRACE_COLS} FROM traces WHERE trace_id = ?`);
    for (const [name, [sql]] of Object.entries(LISTS)) this.#lists.set(name, this.db.prepare(sql));
  }

  #writeSession(s: SessionState): void {
    const created = s.createdAt.getTime();
    this.#upsertSession.run(
      s.sessionId,
      created,
      s.updatedAt.getTime(),
      s.status,
      s.model ?? null,
      s.systemPrompt ?? null,
      s.parentSessionId ?? null,
      s.projectId ?? null,
      s.turnCount,
      s.totalInputTokens,
      s.totalOutputTokens,
      s.totalCacheReadTokens,
      s.totalCacheWriteTokens,
      s.totalThinkingTokens,
      s.totalCostUsd,
      JSON.stringify(s.tags),
      JSON.stringify(s.metadata),
      s.lastError ?? null,
      JSON.stringify(s.options),
    );
    this.#deleteTags.run(s.sessionId);
    for (const tag of s.tags) this.#insertTag.run(tag, created, s.sessionId);
  }

  #writeTrace(t: TraceData): void {
    this.#upsertTrace.run(
      t.traceId,
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
      t.createdAt.getTime(),
      t.updatedAt.getTime(),
      JSON.stringify(t.metadata),
    );
  }

  saveSession(s: SessionState): void {
    this.#begin.run();
    this.#writeSession(s);
    this.#commit.run();
  }

  saveSessions(states: SessionState[]): void {
    this.#begin.run();
    for (const s of states) this.#writeSession(s);
    this.#commit.run();
  }

  saveTrace(t: TraceData): void {
    this.#begin.run();
    this.#writeTrace(t);
    this.#commit.run();
  }

  saveTraces(traces: TraceData[]): void {
    this.#begin.run();
    for (const t of traces) this.#writeTrace(t);
    this.#commit.run();
  }

  loadSession(id: string): SessionState | undefined {
    const r = this.#loadSession.get(id) as Row;
    return r === undefined ? undefined : { ...toMetadata(r), options: JSON.parse(r.options) };
  }

  loadTrace(id: string): TraceData | undefined {
    const r = this.#loadTrace.get(id) as Row;
    return r === undefined ? undefined : toTrace(r);
  }

  listSessions(name: string): SessionMetadata[] {
    return (this.#lists.get(name)!.all(...LISTS[name]![1]) as Row[]).map(toMetadata);
  }

  cleanupSessions(olderThanMs: number): number {
    this.#begin.run();
    const n = this.db
      .prepare('DELETE FROM sessions WHERE updated_at < ?')
      .run(Date.now() - olderThanMs).changes;
    this.#commit.run();
    this.db.pragma('incremental_vacuum');
    return n;
  }

  cleanupTraces(olderThanMs: number): number {
    this.#begin.run();
    const n = this.db
      .prepare('DELETE FROM traces WHERE updated_at < ?')
      .run(Date.now() - olderThanMs).changes;
    this.#commit.run();
    this.db.pragma('incremental_vacuum');
    return n;
  }

  close(): void {
    this.db.close();
  }
}
