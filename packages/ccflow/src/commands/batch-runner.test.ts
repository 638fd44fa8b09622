import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFixture } from '@ccflow/tracing/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { findOrCreateProject } from './batch-runner.ts';
import { withStores } from './store-set.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('findOrCreateProject', () => {
  it('finds the project of that exact name among more than a page of names that contain it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccflow-find-project-'));
    dirs.push(dir);
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
    await withStores(join(dir, 'ccflow.db'), io, async (s) => {
      const start = Date.UTC(2026, 11, 1);
      for (let i = 0; i < 1001; i += 1)
        await s.projects.save(projectFixture({ name: `alpha ${i}`, createdAt: new Date(start + i) }));
      const exact = projectFixture({ name: 'alpha', createdAt: new Date(start + 2000) });
      await s.projects.save(exact);
      const found = await findOrCreateProject('alpha', s, undefined);
      expect(found.projectId).toBe(exact.projectId);
      expect(await s.projects.count({})).toBe(1002); // none created
    });
  });
});
