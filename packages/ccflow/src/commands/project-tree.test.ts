import { projectFixture } from '@ccflow/tracing/testing';
import { describe, expect, it } from 'vitest';
import { type ProjectTreeNode, projectTree } from './project-tree.ts';

const p = (projectId: string, parentProjectId?: string) => projectFixture({ projectId, parentProjectId });
const shape = (nodes: ProjectTreeNode<string>[]): unknown[] =>
  nodes.map((n) => (n.subprojects.length === 0 ? n.value : [n.value, shape(n.subprojects)]));

describe('projectTree', () => {
  it('nests subprojects at any depth, in the order given', () => {
    const tree = projectTree([p('a'), p('b', 'a'), p('c', 'b'), p('d'), p('e', 'a')], (x) => x.projectId);
    expect(shape(tree)).toEqual([['a', [['b', ['c']], 'e']], 'd']);
  });

  it('puts a project whose parent is not stored at the top', () => {
    expect(shape(projectTree([p('child', 'deleted'), p('x')], (x) => x.projectId))).toEqual(['child', 'x']);
  });

  it('shows every project of a cycle once, at the top, and what hangs below a cycle under it', () => {
    const tree = projectTree([p('a', 'b'), p('b', 'a'), p('c', 'a'), p('self', 'self')], (x) => x.projectId);
    expect(shape(tree)).toEqual([['a', ['c']], 'b', 'self']);
  });
});
