import { SQLiteTraceStore } from '@ccflow/stores-sqlite';
import Database from 'better-sqlite3';

/** 2026-01-01: by default the first synthetic session; the rest follow over `SPAN_DAYS`. */
export const FILL_START_MS = Date.UTC(2026, 0, 1);
export const SPAN_DAYS = 90;
const DAY = 86_400_000;
const MODELS = ['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5'];
const STATUSES = ['active', 'closed', 'error', 'expired'];
const PROJECTS = 20;

export const fillCreatedAt = (i: number, sessions: number, start = FILL_START_MS): number =>
  start + Math.floor((i / sessions) * SPAN_DAYS * DAY);

export const fillSessionId = (i: number): string => `sess-${String(i).padStart(7, '0')}`;

/**
 * Fills `path` (a new file) with `sessions` synthetic sessions of `tracesPerSession` traces each, in 20 projects
 * (four roots with four children each), directly through SQL in one transaction: 100k sessions take seconds,
 * where saving them one by one through the stores would take minutes. Deterministic: session `i` is always the same,
 * created at `fillCreatedAt(i, sessions, start)`.
 */
export function fillStore(path: string, sessions: number, tracesPerSession = 2, start = FILL_START_MS): void {
  new SQLiteTraceStore(path).close(); // creates the file at the current schema
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const project = db.prepare(
    `INSERT INTO projects (project_id, name, name_lower, description, parent_project_id, metadata, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '{}', ?, ?)`,
  );
  const session = db.prepare(
    `INSERT INTO sessions (session_id, created_at, updated_at, status, model, system_prompt, parent_session_id,
       project_id, title, turn_count, total_input_tokens, total_output_tokens, total_cache_read_tokens,
       total_cache_write_tokens, total_thinking_tokens, total_cost_usd, tags, metadata, options, last_error)
     VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, '{}', '{}', NULL)`,
  );
  const tag = db.prepare('INSERT INTO session_tags (tag, created_at, session_id) VALUES (?, ?, ?)');
  const trace = db.prepare(
    `INSERT INTO traces (trace_id, session_id, project_id, parent_trace_id, sequence_number, prompt, context, response,
       thinking, tool_calls, message_stream, options_snapshot, model, input_tokens, output_tokens, cache_read_tokens,
       cache_write_tokens, thinking_tokens, cost_usd, duration_ms, status, created_at, updated_at, metadata)
     VALUES (?, ?, ?, ?, ?, ?, NULL, ?, '', ?, ?, '{}', ?, ?, ?, 0, 0, 0, ?, ?, 'success', ?, ?, '{}')`,
  );
  const stream = JSON.stringify(
    Array.from({ length: 6 }, (_, i) => ({ type: 'assistant', uuid: `u-${i}`, text: 'x'.repeat(150) })),
  );
  db.transaction(() => {
    for (let p = 0; p < PROJECTS; p++) {
      const parent = p < 4 ? null : `project-${p % 4}`;
      project.run(`project-${p}`, `Project ${p}`, `project ${p}`, `synthetic project ${p}`, parent, p, p);
    }
    for (let i = 0; i < sessions; i++) {
      const created = fillCreatedAt(i, sessions, start);
      const model = MODELS[i % 3] as string;
      const tags = [i % 5 === 0 ? 'prod' : 'dev', `team-${i % 7}`];
      const id = fillSessionId(i);
      const projectId = i % 10 === 9 ? null : `project-${i % PROJECTS}`;
      const cost = 0.001 * (1 + (i % 13));
      session.run(
        id,
        created,
        created + 60_000,
        STATUSES[i % 4],
        model,
        projectId,
        `Synthetic session ${i}`,
        tracesPerSession,
        1000 * tracesPerSession,
        100 * tracesPerSession,
        cost * tracesPerSession,
        JSON.stringify(tags),
      );
      for (const t of tags) tag.run(t, created, id);
      for (let n = 1; n <= tracesPerSession; n++) {
        const at = created + n * 1000;
        trace.run(
          `${id}-t${n}`,
          id,
          projectId,
          null,
          n,
          `Prompt ${n} of session ${i}: review the change to module ${i % 997} and list the risks.`,
          `Answer ${n} of session ${i}: ${'the change looks safe; '.repeat(10)}`,
          JSON.stringify([
            {
              toolUseId: `tu-${i}-${n}`,
              tool: 'Read',
              args: { file_path: `src/m${i % 997}.ts` },
              result: 'export {}',
            },
          ]),
          i % 10 === 0 ? stream : null,
          model,
          1000,
          100,
          cost,
          1200 + (i % 500),
          at,
          at,
        );
      }
    }
  })();
  db.pragma('optimize');
  db.close();
}
