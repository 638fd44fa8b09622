import type { SessionMetadata, SessionStore } from '@ccflow/sessions';
import { checkCount, checkDate, checkId, checkVersion, MemoryRecords } from '@ccflow/sessions/store-kit';
import type { ProjectData, ProjectFilter, ProjectStore } from './project-store.ts';

const DEFAULT_LIMIT = 100;

export interface MemoryProjectStoreOptions {
  /** Where `getProjectSessions` looks; without one a project has no sessions. Not closed by `close()`. */
  sessionStore?: SessionStore;
}

/**
 * Projects in a `Map`, gone with the process: for tests, scripts and single-process services. Every project is
 * deep-copied on the way in and out, so a caller mutating what it saved or loaded never changes what is stored.
 * Sessions stay in the session store: a project only asks it for those carrying its id.
 */
export class MemoryProjectStore implements ProjectStore {
  readonly #projects = new MemoryRecords<ProjectData>({ store: 'memory project', record: 'project' });
  readonly #sessionStore: SessionStore | undefined;

  constructor(options: MemoryProjectStoreOptions = {}) {
    this.#sessionStore = options.sessionStore;
  }

  async save(project: ProjectData): Promise<number> {
    this.#projects.assertOpen();
    checkProject(project);
    return this.#projects.save(project.projectId, project);
  }

  async load(projectId: string): Promise<ProjectData | undefined> {
    return this.#projects.load(projectId);
  }

  /** Only the project record: its sessions, traces and subprojects stay, still carrying its id. */
  async delete(projectId: string): Promise<boolean> {
    return this.#projects.delete(projectId);
  }

  async list(filter: ProjectFilter = {}): Promise<ProjectData[]> {
    this.#projects.assertOpen();
    checkFilter(filter);
    const offset = filter.offset ?? 0;
    return this.#matching(filter)
      .sort(oldestFirst)
      .slice(offset, offset + (filter.limit ?? DEFAULT_LIMIT))
      .map((p) => this.#projects.copy(p));
  }

  async getProjectSessions(projectId: string, limit = DEFAULT_LIMIT): Promise<SessionMetadata[]> {
    this.#projects.assertOpen();
    checkCount('limit', limit);
    return this.#sessionStore === undefined ? [] : this.#sessionStore.list({ projectId, limit });
  }

  /** Every direct child, not a page: there is no `limit` to ask for the rest. */
  async getSubprojects(projectId: string): Promise<ProjectData[]> {
    this.#projects.assertOpen();
    return this.#matching({ parentProjectId: projectId })
      .sort(oldestFirst)
      .map((p) => this.#projects.copy(p));
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: ProjectFilter = {}): Promise<number> {
    this.#projects.assertOpen();
    checkFilter(filter);
    return this.#matching(filter).length;
  }

  async close(): Promise<void> {
    this.#projects.close();
  }

  #matching(filter: ProjectFilter): ProjectData[] {
    const needle = filter.nameContains?.toLowerCase();
    const after = filter.after?.getTime();
    const before = filter.before?.getTime();
    return this.#projects
      .values()
      .filter(
        (p) =>
          (needle === undefined || p.name.toLowerCase().includes(needle)) &&
          (filter.parentProjectId === undefined || p.parentProjectId === filter.parentProjectId) &&
          (after === undefined || p.createdAt.getTime() >= after) &&
          (before === undefined || p.createdAt.getTime() <= before),
      );
  }
}

/** The contract's order: oldest `createdAt` first, ties by `projectId`. */
function oldestFirst(a: ProjectData, b: ProjectData): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0)
  );
}

/** What no store can keep: a project without an id, a date or version that is not one. */
function checkProject(project: ProjectData): void {
  checkId('projectId', project?.projectId);
  checkVersion(project.version);
  checkDate('createdAt', project.createdAt);
  checkDate('updatedAt', project.updatedAt);
}

function checkFilter(filter: ProjectFilter): void {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.after !== undefined) checkDate('after', filter.after);
  if (filter.before !== undefined) checkDate('before', filter.before);
}
