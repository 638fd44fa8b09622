import { sessionStoreConformance } from '@ccflow/sessions/testing';
import { usePostgres } from '../test/use-postgres.ts';
import { PostgresSessionStore } from './postgres-session-store.ts';

const db = usePostgres('sessions_suite');

sessionStoreConformance(
  'PostgresSessionStore',
  () => new PostgresSessionStore({ connectionString: db.url, schema: db.reused }),
  { cleanup: () => db.truncate() },
);
