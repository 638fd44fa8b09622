import { type Html, href, html } from '../html.ts';
import { count, layout, usd } from '../layout.ts';
import type { ProjectRow, ProjectTotals, ReadStore } from '../read-store.ts';

interface Node {
  project: ProjectRow;
  children: Node[];
  sessions: number;
  costUsd: number;
  tokens: number;
}

/**
 * Projects as a tree, each with the sessions, cost and tokens of its own sessions and its subprojects'. A project
 * whose parent is missing (deleted, or a loop) is shown as a root.
 */
function projectTree(projects: readonly ProjectRow[], totals: readonly ProjectTotals[]): Node[] {
  const own = new Map(totals.map((t) => [t.project_id, t]));
  const nodes = new Map<string, Node>();
  for (const p of projects) {
    const t = own.get(p.project_id);
    nodes.set(p.project_id, {
      project: p,
      children: [],
      sessions: t?.sessions ?? 0,
      costUsd: t?.cost_usd ?? 0,
      tokens: t?.tokens ?? 0,
    });
  }
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = parentOf(node, nodes);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  const roll = (node: Node): void => {
    for (const child of node.children) {
      roll(child);
      node.sessions += child.sessions;
      node.costUsd += child.costUsd;
      node.tokens += child.tokens;
    }
  };
  for (const root of roots) roll(root);
  return roots;
}

/** The node's parent, unless following parents from it comes back to it. */
function parentOf(node: Node, nodes: Map<string, Node>): Node | undefined {
  const parent = nodes.get(node.project.parent_project_id ?? '');
  const seen = new Set([node.project.project_id]);
  for (let p = parent; p !== undefined; p = nodes.get(p.project.parent_project_id ?? '')) {
    if (seen.has(p.project.project_id)) return undefined;
    seen.add(p.project.project_id);
  }
  return parent;
}

function row(node: Node, depth: number): Html {
  const p = node.project;
  return html`<tr class="depth-${Math.min(depth, 6)}"><td><a href="${href('/sessions', { project: p.project_id })}">${p.name}</a>
<span class="muted">${p.description}</span></td><td class="num">${count(node.sessions)}</td>
<td class="num">${count(node.tokens)}</td><td class="num">${usd(node.costUsd)}</td></tr>
${node.children.map((c) => row(c, depth + 1))}`;
}

export function projectsPage(store: ReadStore): Html {
  const totals = store.projectTotals();
  const roots = projectTree(store.projects(), totals);
  const loose = totals.find((t) => t.project_id === null);
  const all = totals.reduce(
    (a, t) => ({ sessions: a.sessions + t.sessions, cost: a.cost + t.cost_usd, tokens: a.tokens + t.tokens }),
    { sessions: 0, cost: 0, tokens: 0 },
  );
  const body =
    roots.length === 0 && all.sessions === 0
      ? html`<p class="empty">No projects or sessions in ${store.path} yet.</p>`
      : html`<table class="list"><thead><tr><th>Project</th><th class="num">Sessions</th><th class="num">Tokens</th>
<th class="num">Cost</th></tr></thead><tbody>
${roots.map((r) => row(r, 0))}
${loose === undefined ? '' : html`<tr><td><a href="${href('/sessions', { project: '-' })}">(no project)</a></td><td class="num">${count(loose.sessions)}</td><td class="num">${count(loose.tokens)}</td><td class="num">${usd(loose.cost_usd)}</td></tr>`}
</tbody><tfoot><tr><th>All</th><th class="num">${count(all.sessions)}</th><th class="num">${count(all.tokens)}</th>
<th class="num">${usd(all.cost)}</th></tr></tfoot></table>`;
  return layout('Projects', '/', html`<section id="projects" data-live>${body}</section>`);
}
