export { PostgresProjectStore } from './postgres-project-store.ts';
export { PostgresSessionStore } from './postgres-session-store.ts';
export { PostgresTraceStore } from './postgres-trace-store.ts';
export { SCHEMA_VERSION } from './schema-version.ts';
export type { PostgresStoreOptions } from './store-options.ts';
