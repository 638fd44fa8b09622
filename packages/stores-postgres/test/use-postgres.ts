import { type PostgresServer, startPostgres } from '@ccflow/testing';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface TestDatabase {
  /** The connection string of this file's database. */
  readonly url: string;
  /** A superuser pool on it, for set-up and inspection. */
  readonly admin: pg.Pool;
  readonly server: PostgresServer;
  /** A new schema name; `dropSchemas()` drops every one handed out. */
  schema(): string;
  dropSchemas(): Promise<void>;
  /**
   * The schema `reused` of this file's database, for suites that need an empty store per test: migrating a new
   * schema for each (a hundred DDL statements) costs ten times what emptying one does.
   */
  readonly reused: string;
  /** Empties the tables of `reused`. */
  truncate(): Promise<void>;
}

/**
 * One real PostgreSQL server per test file (started in `beforeAll`, stopped in `afterAll`) and one database in it,
 * named after the file. Tests get an empty store each by giving it a schema of its own, or by emptying `reused`.
 */
export function usePostgres(name: string): TestDatabase {
  let server: PostgresServer | undefined;
  let admin: pg.Pool | undefined;
  let url = '';
  let n = 0;
  const handedOut: string[] = [];
  beforeAll(async () => {
    server = await startPostgres();
    const root = new pg.Client({ connectionString: server.url });
    await root.connect();
    await root.query(`CREATE DATABASE ${name}`);
    await root.end();
    url = server.url.replace(/\/postgres$/, `/${name}`);
    admin = new pg.Pool({ connectionString: url, max: 2 });
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });
  return {
    get url() {
      return url;
    },
    get admin() {
      return admin as pg.Pool;
    },
    get server() {
      return server as PostgresServer;
    },
    schema() {
      n += 1;
      const schema = `t${n}`;
      handedOut.push(schema);
      return schema;
    },
    reused: 'reused',
    async truncate() {
      await admin?.query('TRUNCATE reused.sessions, reused.traces, reused.projects');
    },
    async dropSchemas() {
      for (const schema of handedOut.splice(0)) await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
