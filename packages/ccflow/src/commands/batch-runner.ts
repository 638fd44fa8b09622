import {
  type CliAgentOptions,
  collectQueryResult,
  type Executor,
  type QueryResult,
  query,
} from '@ccflow/core';
import { Project } from '@ccflow/tracing';
import { listAll, projectEnv, type StoreSet } from './store-set.ts';

/** Runs one prompt of a batch to its result; never throws (a failure is a failed `QueryResult`). */
export type BatchRunner = (
  prompt: string,
  options: CliAgentOptions,
  signal: AbortSignal,
) => Promise<QueryResult>;

/** Each prompt as a one-shot `query` on `executor` (the default executor when undefined). */
export function queryRunner(executor: Executor | undefined): BatchRunner {
  return (prompt, options, signal) => collectQueryResult(query(prompt, options, { executor, signal }));
}

/**
 * Each prompt as a one-turn traced session of `project`: its session and trace land in the store as it finishes,
 * so `ccflow traces`, `ccflow cost` and `ccflow ui` (live) see the batch while it runs.
 */
export function projectRunner(project: Project): BatchRunner {
  return async (prompt, options, signal) => {
    const session = project.createSession(options);
    try {
      return await collectQueryResult(session.sendMessage(prompt, { signal }));
    } finally {
      await session.close();
    }
  };
}

/** The stored project whose id or exact name is `nameOrId`, else a new one of that name, saved. */
export async function findOrCreateProject(
  nameOrId: string,
  stores: StoreSet,
  executor: Executor | undefined,
): Promise<Project> {
  const env = projectEnv(stores, executor);
  const byId = await Project.load(nameOrId, env);
  if (byId !== undefined) return byId;
  const named = (await listAll(stores.projects, { nameContains: nameOrId })).find((p) => p.name === nameOrId);
  if (named !== undefined) return (await Project.load(named.projectId, env)) as Project;
  const project = new Project({ ...env, name: nameOrId });
  await project.save();
  return project;
}
