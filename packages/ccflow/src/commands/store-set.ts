import type { Executor } from '@ccflow/core';
import { SQLiteProjectStore, SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import type { CliIO } from './output.ts';
import { storePath } from './store-path.ts';

/** The sessions, traces and projects of one SQLite file. */
export interface StoreSet {
  sessions: SQLiteSessionStore;
  traces: SQLiteTraceStore;
  projects: SQLiteProjectStore;
}

/** What a `Project` of these stores needs: the three stores, and `executor` (the default one when undefined). */
export function projectEnv(s: StoreSet, executor: Executor | undefined) {
  return {
    store: s.projects,
    traceStore: s.traces,
    sessionStore: s.sessions,
    ...(executor === undefined ? {} : { executor }),
  };
}

/** Opens the three stores of `--db` (else the default file), runs `use`, and closes them whatever happens. */
export async function withStores<T>(
  db: string | undefined,
  io: CliIO,
  use: (s: StoreSet) => Promise<T>,
): Promise<T> {
  const path = storePath(db, io);
  const sessions = new SQLiteSessionStore(path);
  const stores = { sessions, traces: new SQLiteTraceStore(path), projects: new SQLiteProjectStore(path) };
  try {
    return await use(stores);
  } finally {
    await Promise.all([stores.sessions.close(), stores.traces.close(), stores.projects.close()]);
  }
}

/** Page size when a command reads every matching record. */
const PAGE = 500;

/** Every record a store's `list` gives for `filter`, page by page. */
export async function listAll<F extends { limit?: number; offset?: number }, R>(
  store: { list(filter?: F): Promise<R[]> },
  filter: NoInfer<F>,
): Promise<R[]> {
  const out: R[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.list({ ...filter, limit: PAGE, offset });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}
