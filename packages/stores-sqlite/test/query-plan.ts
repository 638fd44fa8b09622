import type Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { Query } from '../src/session-query.ts';

/** The lines of `EXPLAIN QUERY PLAN` for a query, as SQLite prints them. */
export function planOf(db: Database.Database, query: Query): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as { detail: string }[]).map(
    (row) => row.detail,
  );
}

/**
 * Every table is reached through an index (no bare `SCAN table`), and, when `sorted`, the index already gives the
 * list order (no temporary B-tree sorts the matches).
 */
export function expectIndexBound(plan: string[], why: string, options: { sorted: boolean }): void {
  for (const line of plan) {
    expect(line, `${why}: ${plan.join(' | ')}`).not.toMatch(/^SCAN \w+( AS \w+)?$/);
    if (options.sorted) expect(line, `${why}: ${plan.join(' | ')}`).not.toMatch(/TEMP B-TREE/);
  }
}

/** Every subset of `keys`, the empty one included. */
export function subsets<K>(keys: readonly K[]): K[][] {
  return Array.from({ length: 2 ** keys.length }, (_, mask) => keys.filter((_, i) => mask & (1 << i)));
}
