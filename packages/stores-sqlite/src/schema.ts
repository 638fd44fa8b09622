import { StoreError } from '@ccflow/sessions';
import type Database from 'better-sqlite3';

/** `PRAGMA application_id` of a ccflow file ('ccfw'): tells it apart from any other SQLite database. */
export const APPLICATION_ID = 0x63636677;

/** One step of the schema: `up` takes a file at `version - 1` to `version`, inside the migration transaction. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/**
 * Version 1. Times are integer milliseconds since the epoch; JSON fields are TEXT. Every index a filter uses ends
 * with the list order (`created_at DESC, session_id` for sessions, `created_at, sequence_number, trace_id` for
 * traces), so a filtered page walks one index in order and stops after `limit` rows, with no sort.
 */
const V1 = `
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  model TEXT,
  system_prompt TEXT,
  parent_session_id TEXT,
  project_id TEXT,
  turn_count INTEGER NOT NULL,
  total_input_tokens INTEGER NOT NULL,
  total_output_tokens INTEGER NOT NULL,
  total_cache_read_tokens INTEGER NOT NULL,
  total_cache_write_tokens INTEGER NOT NULL,
  total_thinking_tokens INTEGER NOT NULL,
  total_cost_usd REAL NOT NULL,
  tags TEXT NOT NULL,
  metadata TEXT NOT NULL,
  options TEXT NOT NULL,
  last_error TEXT
);
CREATE INDEX sessions_by_created ON sessions (created_at DESC, session_id);
CREATE INDEX sessions_by_status ON sessions (status, created_at DESC, session_id);
CREATE INDEX sessions_by_model ON sessions (model, created_at DESC, session_id);
CREATE INDEX sessions_by_project ON sessions (project_id, created_at DESC, session_id);
CREATE INDEX sessions_by_updated ON sessions (updated_at);

-- One row per distinct tag of a session. created_at is copied from the session so a tag filter walks this
-- table's key in list order; the session's own tags column keeps the list as saved (order, repeats).
CREATE TABLE session_tags (
  tag TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
  PRIMARY KEY (tag, created_at DESC, session_id)
) WITHOUT ROWID;
CREATE INDEX session_tags_by_session ON session_tags (session_id);

CREATE TABLE traces (
  trace_id TEXT PRIMARY KEY NOT NULL,
  session_id TEXT NOT NULL,
  project_id TEXT,
  parent_trace_id TEXT,
  sequence_number INTEGER NOT NULL,
  prompt TEXT NOT NULL,
  context TEXT,
  response TEXT NOT NULL,
  thinking TEXT NOT NULL,
  tool_calls TEXT NOT NULL,
  message_stream TEXT,
  options_snapshot TEXT NOT NULL,
  model TEXT,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  thinking_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  duration_ms REAL NOT NULL,
  status TEXT NOT NULL,
  error_message TEXT,
  resume_at TEXT,
  otel_trace_id TEXT,
  otel_span_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX traces_by_created ON traces (created_at, sequence_number, trace_id);
CREATE INDEX traces_by_session ON traces (session_id, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_project ON traces (project_id, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_status ON traces (status, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_parent ON traces (parent_trace_id, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_updated ON traces (updated_at);

-- id is an explicit INTEGER PRIMARY KEY so VACUUM keeps it: the name index below refers to it.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  description TEXT NOT NULL,
  parent_project_id TEXT,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX projects_by_created ON projects (created_at, project_id);
CREATE INDEX projects_by_parent ON projects (parent_project_id, created_at, project_id);

-- Trigram index of the lower-cased names: 'nameContains' with 3 or more characters is an index search.
CREATE VIRTUAL TABLE project_names USING fts5 (name_lower, tokenize = 'trigram case_sensitive 1');
CREATE TRIGGER projects_names_insert AFTER INSERT ON projects BEGIN
  INSERT INTO project_names (rowid, name_lower) VALUES (new.id, new.name_lower);
END;
CREATE TRIGGER projects_names_update AFTER UPDATE OF name_lower ON projects BEGIN
  DELETE FROM project_names WHERE rowid = old.id;
  INSERT INTO project_names (rowid, name_lower) VALUES (new.id, new.name_lower);
END;
CREATE TRIGGER projects_names_delete AFTER DELETE ON projects BEGIN
  DELETE FROM project_names WHERE rowid = old.id;
END;
`;

/**
 * Version 2: every record carries the store's `version` for optimistic concurrency. Rows of a version-1 file were
 * each written once as far as anyone can tell, so they start at 1, as a first save leaves a new row.
 */
const V2 = `
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE traces ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
`;

/** Version 3: a session's `title`, which can change after it is created (the CLI's own title when imported). */
const V3 = `
ALTER TABLE sessions ADD COLUMN title TEXT;
`;

/**
 * Version 4: covering indexes for totals, so `ccflow ui` sums a project's sessions and charts cost per day and
 * model from an index instead of the rows (a trace row holds its whole message stream, which the cost columns
 * follow).
 */
const V4 = `
CREATE INDEX sessions_totals_by_project ON sessions
  (project_id, total_cost_usd, total_input_tokens, total_output_tokens);
CREATE INDEX traces_usage ON traces (created_at, model, cost_usd, input_tokens, output_tokens);
`;

/**
 * Version 5: a trace's per-model usage (JSON, what a price table needs to price the turn again), and an index to
 * filter traces by model.
 */
const V5 = `
ALTER TABLE traces ADD COLUMN model_usage TEXT;
CREATE INDEX traces_by_model ON traces (model, created_at, sequence_number, trace_id);
`;

/** Every schema version in order. A new version appends a migration; released ones never change. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'sessions with their tags, traces, projects with a trigram name index',
    up: (db) => db.exec(V1),
  },
  {
    version: 2,
    description: 'a version per session, trace and project (optimistic concurrency)',
    up: (db) => db.exec(V2),
  },
  {
    version: 3,
    description: 'a title per session',
    up: (db) => db.exec(V3),
  },
  {
    version: 4,
    description: 'covering indexes of project totals and of cost per day and model',
    up: (db) => db.exec(V4),
  },
  {
    version: 5,
    description: "a trace's per-model usage, traces by model",
    up: (db) => db.exec(V5),
  },
];

/**
 * Brings the file to the latest version of `migrations`, in place and all at once: the steps run in one
 * `BEGIN IMMEDIATE` transaction, so a failure (or a crash) leaves the file at the version it had, and two processes
 * opening an old file at once migrate it once. A file of a newer version, or another application's database, is
 * refused with a `StoreError` and left untouched.
 */
export function migrate(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = (): number => {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (applicationId !== 0 && applicationId !== APPLICATION_ID) {
      throw new StoreError({
        message: `not a ccflow database: it belongs to another application (application_id ${applicationId})`,
        path,
      });
    }
    if (version > latest) {
      throw new StoreError({
        message:
          `the database has schema version ${version}, newer than the ${latest} this version of ` +
          '@ccflow/stores-sqlite knows; upgrade @ccflow/stores-sqlite to open it',
        path,
      });
    }
    if (version === 0 && db.prepare('SELECT count(*) AS n FROM sqlite_schema').pluck().get() !== 0) {
      throw new StoreError({
        message: 'not a ccflow database: it has tables but no ccflow schema version',
        path,
      });
    }
    if (version > 0 && applicationId === 0) {
      throw new StoreError({
        message: `not a ccflow database: schema version ${version} without ccflow's id`,
        path,
      });
    }
    return version;
  };
  if (current() === latest) return;
  db.transaction(() => {
    const from = current();
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}
