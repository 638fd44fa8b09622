import { type ProjectData, ProjectNotFoundError } from '@ccflow/tracing';
import type { Command } from 'commander';
import { dollars, when } from './format.ts';
import { type CliIO, cell, colours, table } from './output.ts';
import { type ProjectTreeNode, projectTree } from './project-tree.ts';
import { storeJson } from './session-json.ts';
import { dbOption } from './store-path.ts';
import { listAll, type StoreSet, withStores } from './store-set.ts';

/** A project's own sessions, traces and cost (its subprojects' are theirs). */
interface Totals {
  sessions: number;
  traces: number;
  costUsd: number;
}

/** `ccflow projects list|show`: the projects in the ccflow SQLite store, as a tree, with what each used. */
export function projectsCommand(program: Command, io: CliIO, done: (code: number) => void): void {
  const projects = program.command('projects').description('the projects in the ccflow store, as a tree');
  const env = io.env ?? process.env;
  const out = (text: string) => io.stdout.write(text);
  const json = (value: unknown) => out(`${JSON.stringify(value)}\n`);
  const bold = colours(io.stdout, env).bold;
  const db = (c: Command) => c.addOption(dbOption());

  db(
    projects
      .command('list')
      .description('every project with its sessions, traces and cost; subprojects below'),
  )
    .option('--json', 'one JSON array of the top-level projects, each with its subprojects')
    .action(async (o: { db?: string; json?: boolean }) => {
      const roots = await withStores(o.db, io, async (s) => {
        const all = await listAll(s.projects, {});
        const totals = new Map<string, Totals>();
        for (const project of all) totals.set(project.projectId, await totalsOf(s, project.projectId));
        return projectTree(all, (project) => totals.get(project.projectId) as Totals);
      });
      if (o.json) json(roots.map(nodeJson));
      else {
        const rows: string[][] = [];
        const walk = (node: ProjectTreeNode<Totals>, depth: number) => {
          const { project, value: totals } = node;
          rows.push([
            project.projectId,
            `${'  '.repeat(depth)}${depth > 0 ? '└ ' : ''}${cell(project.name, 40)}`,
            String(totals.sessions),
            String(totals.traces),
            dollars(totals.costUsd),
          ]);
          for (const child of node.subprojects) walk(child, depth + 1);
        };
        for (const root of roots) walk(root, 0);
        out(table(['ID', 'NAME', 'SESSIONS', 'TRACES', 'COST'], rows, bold));
      }
      done(0);
    });

  db(
    projects
      .command('show')
      .description('one project: its details, totals, subprojects and sessions')
      .argument('<id>'),
  )
    .option('--json', 'one JSON object')
    .action(async (id: string, o: { db?: string; json?: boolean }) => {
      const shown = await withStores(o.db, io, async (s) => {
        const project = await s.projects.load(id);
        if (project === undefined) throw new ProjectNotFoundError({ projectId: id });
        return {
          project,
          totals: await totalsOf(s, id),
          subprojects: await s.projects.getSubprojects(id),
          sessions: await listAll(s.sessions, { projectId: id }),
        };
      });
      const { project, totals, subprojects, sessions } = shown;
      if (o.json) {
        json({
          ...projectJson(project),
          totals,
          subprojects: subprojects.map((p) => ({ projectId: p.projectId, name: p.name })),
          sessions: sessions.map(storeJson),
        });
      } else {
        const fields: [string, string][] = [
          ['project', project.projectId],
          ['name', project.name],
          ['description', cell(project.description)],
          ['parent', project.parentProjectId ?? ''],
          ['sessions', String(totals.sessions)],
          ['traces', String(totals.traces)],
          ['cost', dollars(totals.costUsd)],
          ['subprojects', subprojects.map((p) => `${p.name} (${p.projectId})`).join(', ')],
          ['created', project.createdAt.toISOString()],
          ['updated', project.updatedAt.toISOString()],
        ];
        out(table(['FIELD', 'VALUE'], fields, bold));
        out(`\n${bold('SESSIONS')}\n`);
        out(
          table(
            ['ID', 'UPDATED', 'STATUS', 'TURNS', 'COST', 'TITLE'],
            sessions.map((m) => [
              m.sessionId,
              when(m.updatedAt),
              m.status,
              String(m.turnCount),
              dollars(m.totalCostUsd),
              cell(m.title),
            ]),
            bold,
          ),
        );
      }
      done(0);
    });
}

async function totalsOf(s: StoreSet, projectId: string): Promise<Totals> {
  const traces = await listAll(s.traces, { projectId });
  return {
    sessions: await s.sessions.count({ projectId }),
    traces: traces.length,
    costUsd: traces.reduce((sum, t) => sum + t.costUsd, 0),
  };
}

function projectJson(p: ProjectData) {
  return {
    projectId: p.projectId,
    name: p.name,
    description: p.description,
    parentProjectId: p.parentProjectId ?? null,
    metadata: p.metadata,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function nodeJson(node: ProjectTreeNode<Totals>): Record<string, unknown> {
  return { ...projectJson(node.project), totals: node.value, subprojects: node.subprojects.map(nodeJson) };
}
