export { defaultDatabasePath } from './default-path.ts';
export { SCHEMA_VERSION } from './schema-version.ts';
export { SQLiteProjectStore } from './sqlite-project-store.ts';
export { SQLiteSessionStore } from './sqlite-session-store.ts';
export { SQLiteTraceStore } from './sqlite-trace-store.ts';
export type { SQLiteStoreOptions } from './store-options.ts';
