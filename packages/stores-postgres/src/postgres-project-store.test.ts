import { projectStoreConformance } from '@ccflow/tracing/testing';
import { usePostgres } from '../test/use-postgres.ts';
import { PostgresProjectStore } from './postgres-project-store.ts';
import { PostgresSessionStore } from './postgres-session-store.ts';

const db = usePostgres('projects_suite');

projectStoreConformance(
  'PostgresProjectStore',
  () => {
    const options = { connectionString: db.url, schema: db.reused };
    return { projects: new PostgresProjectStore(options), sessions: new PostgresSessionStore(options) };
  },
  { cleanup: () => db.truncate() },
);
