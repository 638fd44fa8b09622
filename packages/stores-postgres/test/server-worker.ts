/** Starts a PostgreSQL server, prints its pid and dir as JSON, then waits to be killed (by `postgres-server.test.ts`). */
import { writeSync } from 'node:fs';
import { startPostgres } from '@ccflow/testing';

const server = await startPostgres();
writeSync(1, `${JSON.stringify({ pid: server.pid, dir: server.dir })}\n`);
setInterval(() => {}, 60_000);
