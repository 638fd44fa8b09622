import type { CliAgentOptions, ConnectionProvider, Executor } from '@ccflow/core';
import { loadSession } from './load-session.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { lifecycle, Session } from './session.ts';
import type { SessionFilter, SessionMetadata, SessionStore } from './session-store.ts';

export interface SessionManagerOptions {
  /** Default: a new `MemorySessionStore`, closed by `stop()`. */
  store?: SessionStore;
  executor?: Executor;
  /** Live mode for the sessions it creates and loads (see `SessionOptions.provider`). */
  provider?: ConnectionProvider;
  /** Under every session's own options. */
  defaultOptions?: CliAgentOptions;
  /** Expire idle sessions on a timer that does not keep the process alive. Default true. */
  autoCleanup?: boolean;
  /** Default 5 minutes. */
  cleanupIntervalMs?: number;
  /** Idle time after which a session expires. Default 1 hour. */
  sessionTtlMs?: number;
  /** For tests. */
  now?: () => number;
}

export interface CreateSessionOptions {
  sessionId?: string;
  options?: CliAgentOptions;
  title?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/** Creates, finds, lists and expires sessions over one store. */
export class SessionManager implements AsyncDisposable {
  readonly store: SessionStore;
  readonly #ownsStore: boolean;
  readonly #executor: Executor | undefined;
  readonly #provider: ConnectionProvider | undefined;
  readonly #defaults: CliAgentOptions;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #open = new Map<string, Session>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(init: SessionManagerOptions = {}) {
    this.store = init.store ?? new MemorySessionStore();
    this.#ownsStore = init.store === undefined;
    this.#executor = init.executor;
    this.#provider = init.provider;
    this.#defaults = init.defaultOptions ?? {};
    this.#ttlMs = init.sessionTtlMs ?? 3_600_000;
    this.#now = init.now ?? Date.now;
    if (init.autoCleanup ?? true) {
      this.#timer = setInterval(
        () => void this.cleanupExpired().catch(() => {}),
        init.cleanupIntervalMs ?? 300_000,
      );
      this.#timer.unref();
    }
  }

  /** A new session, saved at once so it can be found before its first turn. */
  async createSession(init: CreateSessionOptions = {}): Promise<Session> {
    const session = new Session({
      sessionId: init.sessionId,
      options: { ...this.#defaults, ...init.options },
      executor: this.#executor,
      provider: this.#provider,
      store: this.store,
      title: init.title,
      tags: init.tags,
      metadata: init.metadata,
    });
    await session.save();
    this.#open.set(session.sessionId, session);
    lifecycle('session.create', session, { 'ccflow.session.tags': (init.tags ?? []).join(',') });
    return session;
  }

  /** The session with this id: the live object when this manager made or loaded it, else loaded from the store. */
  async getSession(sessionId: string): Promise<Session | undefined> {
    const open = this.#open.get(sessionId);
    if (open && !open.isClosed) return open;
    const session = await loadSession(sessionId, this.store, {
      executor: this.#executor,
      provider: this.#provider,
    });
    if (session && !session.isClosed) this.#open.set(sessionId, session);
    return session;
  }

  listSessions(filter: SessionFilter = {}): Promise<SessionMetadata[]> {
    return this.store.list(filter);
  }

  /** Marks sessions idle for longer than the TTL as expired; returns how many. */
  async cleanupExpired(): Promise<number> {
    const cutoff = this.#now() - this.#ttlMs;
    let expired = 0;
    for (const status of ['active', 'error'] as const) {
      for (const meta of await this.store.list({ status })) {
        if (meta.updatedAt.getTime() >= cutoff) continue;
        const open = this.#open.get(meta.sessionId);
        if (open) {
          await open.expire();
          this.#open.delete(meta.sessionId);
        } else {
          await this.store.updateStatus(meta.sessionId, 'expired');
        }
        expired += 1;
      }
    }
    return expired;
  }

  /** Stops the cleanup timer (and closes the store if the manager made it). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#open.clear();
    if (this.#ownsStore) await this.store.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
