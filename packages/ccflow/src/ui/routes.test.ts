import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateFixture } from '@ccflow/sessions/testing';
import { SQLiteProjectStore, SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { projectFixture, traceFixture } from '@ccflow/tracing/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILL_START_MS, fillSessionId, fillStore } from '../../scripts/fill-store.ts';
import { PAGE_SIZE } from './pages/sessions.ts';
import { ReadStore } from './read-store.ts';
import { route } from './routes.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccflow-ui-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (store: ReadStore, path: string) => {
  const page = route(store, new URL(path, 'http://localhost'), Date.UTC(2026, 1, 10));
  return { status: page.status, text: page.body.toString() };
};
/** The session ids a sessions page lists, in order. */
const listed = (text: string) =>
  [...text.matchAll(/href="\/sessions\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
const nextLink = (text: string) => /<a rel="next" href="([^"]+)"/.exec(text)?.[1]?.replaceAll('&amp;', '&');

describe('routes over an empty store', () => {
  let store: ReadStore;
  beforeAll(() => {
    store = new ReadStore(join(dir, 'missing', 'empty.db'));
  });
  afterAll(() => store.close());

  it('every page renders, saying there is nothing yet', () => {
    expect(get(store, '/').text).toContain('No projects or sessions');
    expect(get(store, '/sessions').text).toContain('No sessions match.');
    expect(get(store, '/usage').text).toContain('0 traces, $0');
    expect(get(store, '/search?q=x').text).toContain('No trace matches.');
    for (const path of ['/', '/sessions', '/usage', '/search', '/usage?days=7'])
      expect(get(store, path).status).toBe(200);
  });

  it('unknown sessions, traces and paths are 404s; bad filters 400s', () => {
    expect(get(store, '/sessions/nope')).toMatchObject({
      status: 404,
      text: expect.stringContaining('No session nope'),
    });
    expect(get(store, '/traces/nope')).toMatchObject({
      status: 404,
      text: expect.stringContaining('No trace nope'),
    });
    expect(get(store, '/nowhere').status).toBe(404);
    expect(get(store, '/sessions/%E0%A4%A').status).toBe(400);
    expect(get(store, '/sessions?from=yesterday')).toMatchObject({
      status: 400,
      text: expect.stringContaining('YYYY-MM-DD'),
    });
    expect(get(store, '/sessions?after=garbage').status).toBe(400);
    expect(get(store, '/usage?days=12').status).toBe(400);
  });

  it('the connection is read-only: a write through it fails', () => {
    const db = new Database(store.path, { readonly: true });
    expect(() => db.exec('DELETE FROM sessions')).toThrow(/readonly/);
    db.close();
  });
});

describe('routes over a store of records saved by the stores', () => {
  const path = join(dir, 'records.db');
  let store: ReadStore;
  const parent = projectFixture({ name: 'Parent <b>', createdAt: new Date(1000) });
  const child = projectFixture({
    name: 'Child',
    parentProjectId: parent.projectId,
    createdAt: new Date(2000),
  });
  const day = Date.UTC(2026, 1, 9);
  const s1 = stateFixture({
    projectId: parent.projectId,
    model: 'opus',
    status: 'active',
    tags: ['a', 'b'],
    totalCostUsd: 1,
    totalInputTokens: 10,
    createdAt: new Date(day),
    title: 'First',
  });
  const s2 = stateFixture({
    projectId: child.projectId,
    model: 'sonnet',
    status: 'closed',
    tags: ['b'],
    totalCostUsd: 2,
    totalOutputTokens: 5,
    createdAt: new Date(day + 1000),
  });
  const s3 = stateFixture({
    model: 'sonnet',
    status: 'error',
    totalCostUsd: 4,
    createdAt: new Date(day - 3 * 86_400_000),
  });
  const t1 = traceFixture({
    sessionId: s1.sessionId,
    projectId: parent.projectId,
    prompt: 'Find the <script>alert(1)</script> needle',
    response: 'Found it.',
    model: 'opus',
    costUsd: 0.5,
    inputTokens: 7,
    createdAt: new Date(day),
    toolCalls: [
      { toolUseId: 'tu1', tool: 'Bash', args: { command: 'echo hi' }, result: 'hi', isError: false },
    ],
    messageStream: [{ type: 'system', subtype: 'init' }],
    thinking: 'Hmm.',
  });
  const t2 = traceFixture({
    sessionId: s1.sessionId,
    sequenceNumber: 2,
    parentTraceId: t1.traceId,
    prompt: 'replay',
    response: 'again',
    model: 'sonnet',
    costUsd: 0.25,
    createdAt: new Date(day + 5),
  });

  beforeAll(async () => {
    const projects = new SQLiteProjectStore(path);
    const sessions = new SQLiteSessionStore(path);
    const traces = new SQLiteTraceStore(path);
    for (const p of [parent, child]) await projects.save(p);
    for (const s of [s1, s2, s3]) await sessions.save(s);
    for (const t of [t1, t2]) await traces.save(t);
    for (const s of [projects, sessions, traces]) await s.close();
    store = new ReadStore(path);
  });
  afterAll(() => store.close());

  it('the projects tree nests the child under the parent, with totals rolled up, and sessions of no project', () => {
    const text = get(store, '/').text;
    expect(text).toContain('Parent &lt;b&gt;');
    expect(text.indexOf('Parent &lt;b&gt;')).toBeLessThan(text.indexOf('Child'));
    expect(text).toMatch(/depth-1"><td><a href="\/sessions\?project=[^"]+">Child/);
    // The parent row: its own session and its child's (2 sessions, 15 tokens, $3); no project: s3 ($4).
    expect(text).toMatch(
      /Parent &lt;b&gt;<\/a>[\s\S]*?<td class="num">2<\/td>\s*<td class="num">15<\/td><td class="num">\$3\.0000/,
    );
    expect(text).toMatch(
      /\(no project\)<\/a><\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">\$4\.0000/,
    );
    expect(text).toMatch(/<th>All<\/th><th class="num">3<\/th>/);
  });

  it('sessions filter by status, model, tag, project, no project and dates', () => {
    const ids = (q: string) => listed(get(store, `/sessions${q}`).text);
    expect(ids('')).toEqual([s2.sessionId, s1.sessionId, s3.sessionId]);
    expect(ids('?status=closed')).toEqual([s2.sessionId]);
    expect(ids('?model=sonnet')).toEqual([s2.sessionId, s3.sessionId]);
    expect(ids('?tag=b')).toEqual([s2.sessionId, s1.sessionId]);
    expect(ids('?tag=b&status=active')).toEqual([s1.sessionId]);
    expect(ids(`?project=${parent.projectId}`)).toEqual([s1.sessionId]);
    expect(ids('?project=-')).toEqual([s3.sessionId]);
    expect(ids('?from=2026-02-09')).toEqual([s2.sessionId, s1.sessionId]);
    expect(ids('?to=2026-02-08')).toEqual([s3.sessionId]);
    expect(ids('?model=none')).toEqual([]);
  });

  it('the session page lists its traces; the trace page shows prompt, thinking, tool call, answer, stream, cost, parent and replays', () => {
    const session = get(store, `/sessions/${s1.sessionId}`).text;
    expect(session).toContain('<h1>First · ccflow'.slice(0, 0));
    expect(session).toContain(`/traces/${t1.traceId}`);
    expect(session).toContain(`/traces/${t2.traceId}`);
    const trace = get(store, `/traces/${t1.traceId}`).text;
    expect(trace).toContain('Find the &lt;script&gt;alert(1)&lt;/script&gt; needle');
    expect(trace).not.toContain('<script>alert');
    expect(trace).toContain('Hmm.');
    expect(trace).toContain('1. Bash');
    expect(trace).toContain('&quot;command&quot;: &quot;echo hi&quot;');
    expect(trace).toContain('Found it.');
    expect(trace).toContain('system / init');
    expect(trace).toContain('$0.5000');
    expect(trace).toContain('Replays and forks (1)');
    expect(trace).toContain(`/traces/${t2.traceId}`);
    expect(get(store, `/traces/${t2.traceId}`).text).toMatch(
      /Parent trace<\/dt><dd><a href="\/traces\/[^"]+">Find the/,
    );
  });

  it('usage charts the traces by day and model; search finds prompts and answers', () => {
    const usage = get(store, '/usage?days=7').text;
    expect(usage).toContain('2 traces, $0.7500');
    expect(usage).toMatch(/<td>opus<\/td><td class="num">1<\/td>/);
    expect(usage).toContain('02-09: $0.7500');
    expect(listedTraces(get(store, '/search?q=NEEDLE').text)).toEqual([t1.traceId]);
    expect(listedTraces(get(store, '/search?q=again').text)).toEqual([t2.traceId]);
    expect(listedTraces(get(store, '/search?q=%25').text)).toEqual([]);
  });
});
const listedTraces = (text: string) => [...text.matchAll(/href="\/traces\/([^"]+)"/g)].map((m) => m[1]);

describe('5k sessions', () => {
  const path = join(dir, 'fill.db');
  const n = 5000;
  let store: ReadStore;
  const queries: Array<{ sql: string; params: unknown[] }> = [];
  beforeAll(() => {
    fillStore(path, n, 1);
    store = new ReadStore(path, { onQuery: (sql, params) => queries.push({ sql, params }) });
  });
  afterAll(() => store.close());

  it('keyset paging walks every session of a filter once, in list order, page after page', () => {
    for (const filter of ['', '?status=closed', '?tag=prod', '?model=claude-opus-4-1&from=2026-02-01']) {
      const seen: string[] = [];
      let next: string | undefined = `/sessions${filter}`;
      while (next !== undefined) {
        const text = get(store, next).text;
        const page = listed(text);
        expect(page.length).toBeLessThanOrEqual(PAGE_SIZE);
        seen.push(...page);
        next = nextLink(text);
      }
      const db = new Database(path, { readonly: true });
      const where =
        filter === '?status=closed'
          ? "WHERE status = 'closed'"
          : filter === '?tag=prod'
            ? "WHERE session_id IN (SELECT session_id FROM session_tags WHERE tag = 'prod')"
            : filter === ''
              ? ''
              : `WHERE model = 'claude-opus-4-1' AND created_at >= ${Date.UTC(2026, 1, 1)}`;
      const expected = db
        .prepare(`SELECT session_id FROM sessions ${where} ORDER BY created_at DESC, session_id`)
        .pluck()
        .all();
      db.close();
      expect(seen).toEqual(expected);
      expect(seen.length).toBeGreaterThan(PAGE_SIZE);
    }
    expect(listed(get(store, '/sessions').text)[0]).toBe(fillSessionId(n - 1));
  });

  it('every statement the pages run walks an index: no table scan, no sort', () => {
    queries.length = 0;
    for (const path of [
      '/',
      '/sessions',
      '/sessions?status=error',
      '/sessions?model=claude-haiku-4-5',
      '/sessions?tag=prod&to=2026-02-01',
      '/sessions?project=project-3',
      '/sessions?project=-',
      `/sessions?after=${FILL_START_MS + 86_400_000}~x`,
      `/sessions/${fillSessionId(7)}`,
      `/traces/${fillSessionId(7)}-t1`,
      '/usage?days=90',
      '/search?q=module 5',
    ]) {
      expect(get(store, path).status).toBe(200);
    }
    const db = new Database(path, { readonly: true });
    for (const { sql, params } of queries) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (r) => r.detail,
      );
      for (const step of plan) {
        expect(step, sql).not.toMatch(/^SCAN (s|sessions|traces|t|session_tags)$/);
        expect(step, sql).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      }
      // Sums (project totals, usage) read an index holding every column they need, never the rows.
      if (sql.includes('total(')) expect(plan.join(' | '), sql).toMatch(/USING COVERING INDEX/);
    }
    db.close();
    expect(queries.length).toBeGreaterThan(12);
  });
});
