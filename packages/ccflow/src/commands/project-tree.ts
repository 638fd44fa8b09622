import type { ProjectData } from '@ccflow/tracing';

/** A project with its subprojects, in the order given. */
export interface ProjectTreeNode<T> {
  project: ProjectData;
  value: T;
  subprojects: ProjectTreeNode<T>[];
}

/**
 * Projects as a tree of their `parentProjectId`s: a project whose parent is not among them (deleted) is at the top,
 * and so is every project of a cycle (bad data), each shown once.
 */
export function projectTree<T>(
  projects: readonly ProjectData[],
  valueFor: (p: ProjectData) => T,
): ProjectTreeNode<T>[] {
  const nodes = new Map<string, ProjectTreeNode<T>>();
  for (const project of projects)
    nodes.set(project.projectId, { project, value: valueFor(project), subprojects: [] });
  const top: ProjectTreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.project.parentProjectId;
    const above = parent === undefined ? undefined : nodes.get(parent);
    (above === undefined || inCycle(node, nodes) ? top : above.subprojects).push(node);
  }
  return top;
}

/** True when walking up from `node` comes back to it. */
function inCycle<T>(node: ProjectTreeNode<T>, nodes: Map<string, ProjectTreeNode<T>>): boolean {
  const seen = new Set<string>();
  for (let id = node.project.parentProjectId; id !== undefined; id = nodes.get(id)?.project.parentProjectId) {
    if (id === node.project.projectId) return true;
    if (seen.has(id)) return false; // a cycle above, not through this node: the node hangs below it
    seen.add(id);
  }
  return false;
}
