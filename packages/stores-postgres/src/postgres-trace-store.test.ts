import { traceStoreConformance } from '@ccflow/tracing/testing';
import { usePostgres } from '../test/use-postgres.ts';
import { PostgresTraceStore } from './postgres-trace-store.ts';

const db = usePostgres('traces_suite');

traceStoreConformance(
  'PostgresTraceStore',
  () => new PostgresTraceStore({ connectionString: db.url, schema: db.reused }),
  { cleanup: () => db.truncate() },
);
