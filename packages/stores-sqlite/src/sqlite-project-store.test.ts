import { stateFixture } from '@ccflow/sessions/testing';
import { projectFixture, projectStoreConformance, traceFixture } from '@ccflow/tracing/testing';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.ts';
import { SQLiteProjectStore } from './sqlite-project-store.ts';
import { SQLiteSessionStore } from './sqlite-session-store.ts';
import { SQLiteTraceStore } from './sqlite-trace-store.ts';

const temp = useTempDir();

projectStoreConformance('SQLiteProjectStore', () => {
  const path = temp.file();
  return { projects: new SQLiteProjectStore(path), sessions: new SQLiteSessionStore(path) };
});

describe('SQLiteProjectStore beyond the contract', () => {
  it('deleting a project keeps its sessions, traces and subprojects; saving it again brings them back', async () => {
    const path = temp.file();
    const projects = new SQLiteProjectStore(path);
    const sessions = new SQLiteSessionStore(path);
    const traces = new SQLiteTraceStore(path);
    const project = projectFixture({ projectId: 'p', name: 'Parent' });
    await projects.save(project);
    await projects.save(projectFixture({ projectId: 'child', parentProjectId: 'p' }));
    await sessions.save(stateFixture({ sessionId: 's', projectId: 'p' }));
    await traces.save(traceFixture({ traceId: 't', sessionId: 's', projectId: 'p' }));

    expect(await projects.delete('p')).toBe(true);
    expect(await projects.load('p')).toBeUndefined();
    expect((await projects.getSubprojects('p')).map((c) => c.projectId)).toEqual(['child']);
    expect((await projects.getProjectSessions('p')).map((s) => s.sessionId)).toEqual(['s']);
    expect((await sessions.load('s'))?.projectId).toBe('p');
    expect((await traces.getProjectTraces('p')).map((t) => t.traceId)).toEqual(['t']);

    await projects.save(project);
    expect(await projects.load('p')).toEqual({ ...project, version: 1 });
    for (const store of [projects, sessions, traces]) await store.close();
  });

  it('deleting or cleaning up a session keeps its traces (the trace store owns their lifetime)', async () => {
    const path = temp.file();
    const sessions = new SQLiteSessionStore(path);
    const traces = new SQLiteTraceStore(path);
    await sessions.save(stateFixture({ sessionId: 'gone', updatedAt: new Date(0) }));
    await sessions.save(stateFixture({ sessionId: 'deleted' }));
    await traces.save(traceFixture({ traceId: 't1', sessionId: 'gone' }));
    await traces.save(traceFixture({ traceId: 't2', sessionId: 'deleted' }));
    expect(await sessions.cleanup(1000)).toBe(1);
    expect(await sessions.delete('deleted')).toBe(true);
    expect(await traces.count()).toBe(2);
    expect((await traces.getSessionTraces('gone')).map((t) => t.traceId)).toEqual(['t1']);
    await sessions.close();
    await traces.close();
  });

  it('the three stores of one path share one connection; closing one leaves the others open', async () => {
    const path = temp.file();
    const projects = new SQLiteProjectStore(path);
    const sessions = new SQLiteSessionStore({ dbPath: path });
    await projects.close();
    await sessions.save(stateFixture({ sessionId: 'still-open', projectId: 'p' }));
    const again = new SQLiteProjectStore(path);
    expect((await again.getProjectSessions('p')).map((s) => s.sessionId)).toEqual(['still-open']);
    await sessions.close();
    await again.close();
    await expect(again.count()).rejects.toThrow(/closed/);
  });

  it('nameContains folds case as JavaScript does, for any script, and treats % _ " as characters', async () => {
    const store = new SQLiteProjectStore(temp.file());
    const names = ['ÉCOLE Straße', 'Δοκιμή', '100% done', 'snake_case', 'say "hi"', 'plain'];
    for (const [i, name] of names.entries()) await store.save(projectFixture({ projectId: `p${i}`, name }));
    const found = async (needle: string) => (await store.list({ nameContains: needle })).map((p) => p.name);
    expect(await found('école')).toEqual(['ÉCOLE Straße']);
    expect(await found('STRASSE')).toEqual([]);
    expect(await found('straße')).toEqual(['ÉCOLE Straße']);
    expect(await found('δοκ')).toEqual(['Δοκιμή']);
    expect(await found('0%')).toEqual(['100% done']);
    expect(await found('% d')).toEqual(['100% done']);
    expect(await found('e_c')).toEqual(['snake_case']);
    expect(await found('_')).toEqual(['snake_case']);
    expect(await found('"hi"')).toEqual(['say "hi"']);
    expect(await found('"')).toEqual(['say "hi"']);
    expect(await found('AIN')).toEqual(['plain']);
    expect(await found('')).toHaveLength(names.length);
    await store.close();
  });
});
