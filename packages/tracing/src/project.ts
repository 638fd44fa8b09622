import { randomUUID } from 'node:crypto';
import { type CliAgentOptions, type Executor, REDACTED } from '@ccflow/core';
import type { SessionStore } from '@ccflow/sessions';
import type { ProjectData, ProjectStore } from './project-store.ts';
import { TraceNotFoundError } from './trace-not-found-error.ts';
import type { TraceData, TraceStore } from './trace-store.ts';
import { summarizeTraces, type TraceSummary } from './trace-summary.ts';
import { TracingSession } from './tracing-session.ts';

/** The stores and executor a project and its sessions use; subprojects share them. */
export interface ProjectEnv {
  store: ProjectStore;
  traceStore: TraceStore;
  /** Where the project's sessions keep their state (and where `store.getProjectSessions` should look). */
  sessionStore?: SessionStore;
  /** Default: the process-wide executor. */
  executor?: Executor;
}

export interface ProjectOptions extends ProjectEnv {
  /** Default: a new UUID. */
  projectId?: string;
  name: string;
  description?: string;
  parentProjectId?: string;
  metadata?: Record<string, unknown>;
}

export interface ProjectSessionOptions {
  /** Keep every message of each turn in its trace. */
  detailed?: boolean;
  sessionId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

export interface ReplayOptions {
  /** Laid over the original turn's options (e.g. `{ model: 'opus' }`). Secrets were never stored: pass them here. */
  optionsOverride?: CliAgentOptions;
  detailed?: boolean;
  signal?: AbortSignal;
}

/** A replay's new session and the trace of the turn it ran. */
export interface Replay {
  session: TracingSession;
  trace: TraceData;
}

/** Page size when a project reads all its traces. */
const PAGE = 500;

/**
 * A named group of traced sessions, nested to any depth. Its sessions carry its id, so its traces can be listed,
 * summed and replayed. Nothing is stored until `save()` (`createSubproject` saves the child).
 */
export class Project {
  readonly projectId: string;
  name: string;
  description: string;
  readonly parentProjectId: string | undefined;
  metadata: Record<string, unknown>;
  #createdAt: Date;
  #updatedAt: Date;
  /** The version the store gave this project's last save or load; 0 before the first save. */
  #version: number;
  readonly #env: ProjectEnv;

  constructor(init: ProjectOptions) {
    const { store, traceStore, sessionStore, executor } = init;
    this.#env = { store, traceStore, sessionStore, executor };
    this.projectId = init.projectId ?? randomUUID();
    this.name = init.name;
    this.description = init.description ?? '';
    this.parentProjectId = init.parentProjectId;
    this.metadata = { ...init.metadata };
    this.#createdAt = new Date();
    this.#updatedAt = this.#createdAt;
    this.#version = 0;
  }

  get createdAt(): Date {
    return this.#createdAt;
  }
  get updatedAt(): Date {
    return this.#updatedAt;
  }

  /** The record a project store keeps. */
  get data(): ProjectData {
    return {
      projectId: this.projectId,
      version: this.#version,
      name: this.name,
      description: this.description,
      parentProjectId: this.parentProjectId,
      metadata: structuredClone(this.metadata),
      createdAt: this.#createdAt,
      updatedAt: this.#updatedAt,
    };
  }

  /**
   * Writes the project to its store. A project is saved whole: when someone else saved it since this object loaded
   * or saved it, the store refuses with `StoreConflictError` and nothing is written (load it again to see theirs).
   */
  async save(): Promise<void> {
    this.#updatedAt = new Date();
    this.#version = await this.#env.store.save(this.data);
  }

  /** A stored project, or undefined. */
  static async load(projectId: string, env: ProjectEnv): Promise<Project | undefined> {
    const data = await env.store.load(projectId);
    return data === undefined ? undefined : Project.#from(data, env);
  }

  /** A project as stored: its times and version are the record's. */
  static #from(data: ProjectData, env: ProjectEnv): Project {
    const { createdAt, updatedAt, version, ...rest } = data;
    const project = new Project({ ...rest, ...env });
    project.#createdAt = createdAt;
    project.#updatedAt = updatedAt;
    project.#version = version;
    return project;
  }

  /** A child project, saved, sharing this project's stores and executor. */
  async createSubproject(
    name: string,
    init: { description?: string; metadata?: Record<string, unknown>; projectId?: string } = {},
  ): Promise<Project> {
    const child = new Project({ ...this.#env, ...init, name, parentProjectId: this.projectId });
    await child.save();
    return child;
  }

  /** The direct children. */
  async getSubprojects(): Promise<Project[]> {
    return (await this.#env.store.getSubprojects(this.projectId)).map((d) => Project.#from(d, this.#env));
  }

  /** The parent project, when there is one and it is stored. */
  async getParent(): Promise<Project | undefined> {
    return this.parentProjectId === undefined ? undefined : Project.load(this.parentProjectId, this.#env);
  }

  /** A traced session in this project. */
  createSession(options: CliAgentOptions = {}, init: ProjectSessionOptions = {}): TracingSession {
    return new TracingSession({ ...this.#sessionInit(init.detailed), ...init, options });
  }

  /**
   * The project's traces in turn order (oldest first), with those of its subprojects at every depth when asked; the
   * first `limit` of them when given, else all.
   */
  async getTraces(options: { includeSubprojects?: boolean; limit?: number } = {}): Promise<TraceData[]> {
    const ids = options.includeSubprojects ? await this.#descendantIds() : [this.projectId];
    const traces: TraceData[] = [];
    for (const id of ids) traces.push(...(await this.#allTraces(id, options.limit)));
    traces.sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() ||
        a.sequenceNumber - b.sequenceNumber ||
        a.traceId.localeCompare(b.traceId),
    );
    return options.limit === undefined ? traces : traces.slice(0, options.limit);
  }

  /** Totals over the project's traces (and its subprojects', when asked): see `summarizeTraces`. */
  async getTraceSummary(options: { includeSubprojects?: boolean } = {}): Promise<TraceSummary> {
    return summarizeTraces(await this.getTraces(options));
  }

  /**
   * Runs a trace's prompt (and context) again as the first turn of a new session in this project, with the
   * original options under `optionsOverride` — e.g. another model. The new trace's parent is the original.
   */
  async replayAsNew(traceId: string, options: ReplayOptions = {}): Promise<Replay> {
    const original = await this.#trace(traceId);
    const session = this.createSession(replayOptions(original, options.optionsOverride), {
      detailed: options.detailed,
    });
    return this.#run(session, original, options.signal);
  }

  /**
   * Runs a trace's prompt again in a fork of its session taken where the conversation stood when that prompt was
   * sent (`--resume-session-at` the trace's `resumeAt`): the new turn sees exactly the earlier turns, not the later
   * ones. A first-turn trace has no earlier turns: the replay is then a new session, as `replayAsNew`.
   */
  async replayFork(traceId: string, options: ReplayOptions = {}): Promise<Replay> {
    const original = await this.#trace(traceId);
    const sessionOptions = replayOptions(original, options.optionsOverride);
    const session =
      original.resumeAt === undefined
        ? this.createSession(sessionOptions, { detailed: options.detailed })
        : await TracingSession.branch(original.sessionId, {
            ...this.#sessionInit(options.detailed),
            options: sessionOptions,
            at: original.resumeAt,
          });
    return this.#run(session, original, options.signal);
  }

  async #run(session: TracingSession, original: TraceData, signal: AbortSignal | undefined): Promise<Replay> {
    const turn = session.sendMessage(original.prompt, {
      context: original.context,
      signal,
      parentTraceId: original.traceId,
      metadata: { replayOf: original.traceId },
    });
    // A failure is recorded in the new trace and thrown, as from any turn.
    for await (const _ of turn);
    return { session, trace: session.lastTrace as TraceData };
  }

  #sessionInit(detailed: boolean | undefined) {
    return {
      projectId: this.projectId,
      traceStore: this.#env.traceStore,
      store: this.#env.sessionStore,
      executor: this.#env.executor,
      detailed,
    };
  }

  async #trace(traceId: string): Promise<TraceData> {
    const trace = await this.#env.traceStore.load(traceId);
    if (trace === undefined) throw new TraceNotFoundError({ traceId });
    return trace;
  }

  /** This project and every project below it, breadth first; a cycle in bad data is walked once. */
  async #descendantIds(): Promise<string[]> {
    const seen = new Set([this.projectId]);
    const queue = [this.projectId];
    for (let i = 0; i < queue.length; i++) {
      for (const child of await this.#env.store.getSubprojects(queue[i] as string)) {
        if (seen.has(child.projectId)) continue;
        seen.add(child.projectId);
        queue.push(child.projectId);
      }
    }
    return queue;
  }

  async #allTraces(projectId: string, limit: number | undefined): Promise<TraceData[]> {
    const out: TraceData[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.#env.traceStore.list({ projectId, limit: PAGE, offset });
      out.push(...page);
      if (page.length < PAGE || (limit !== undefined && out.length >= limit)) return out;
    }
  }
}

/**
 * The original turn's options as stored (secrets were redacted, so every redacted value is left out), with the
 * override on top.
 */
function replayOptions(original: TraceData, override: CliAgentOptions = {}): CliAgentOptions {
  return { ...(withoutRedacted(original.optionsSnapshot) as CliAgentOptions), ...override };
}

function withoutRedacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRedacted);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === REDACTED) continue;
    const kept = withoutRedacted(v);
    // A map whose values were all secrets (an `env`) goes entirely.
    if (kept && typeof kept === 'object' && !Array.isArray(kept) && Object.keys(kept).length === 0)
      if (Object.keys(v as object).length > 0) continue;
    out[key] = kept;
  }
  return out;
}
