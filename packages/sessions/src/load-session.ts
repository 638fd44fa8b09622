import {
  type CliAgentOptions,
  type ConnectionProvider,
  type Executor,
  SessionNotFoundError,
} from '@ccflow/core';
import { withoutRemovedOptions } from '@ccflow/core/internal';
import { Session } from './session.ts';
import type { SessionStore } from './session-store.ts';
import type { TurnObserver } from './turn-observer.ts';

export interface LoadSessionOptions {
  /** Over the stored options; give `env` and other secrets here, they are never stored. */
  options?: CliAgentOptions;
  executor?: Executor;
  /** See the loaded session's turns (tracing's `TraceRecorder`, your own); never stored, so give them again. */
  observers?: readonly TurnObserver[];
  /** Live mode (see `SessionOptions.provider`). */
  provider?: ConnectionProvider;
}

/** A stored session, ready to continue (in this or any other process), or `undefined` when there is none. */
export async function loadSession(
  sessionId: string,
  store: SessionStore,
  init: LoadSessionOptions = {},
): Promise<Session | undefined> {
  const state = await store.load(sessionId);
  if (state === undefined) return undefined;
  const options = init.options ? { ...withoutRemovedOptions(state.options), ...init.options } : undefined;
  return Session.fromState(state, {
    store,
    executor: init.executor,
    provider: init.provider,
    options,
    observers: init.observers,
  });
}

/**
 * Continues a session: from `store` when given (`SessionNotFoundError` when it is not there), else a CLI session
 * known only by its id, which the next turn resumes.
 */
export async function resumeSession(
  sessionId: string,
  options: CliAgentOptions = {},
  store?: SessionStore,
  executor?: Executor,
): Promise<Session> {
  if (store) {
    const session = await loadSession(sessionId, store, { options, executor });
    if (!session) throw new SessionNotFoundError({ sessionId });
    return session;
  }
  const fresh = new Session({ sessionId, options, executor });
  return Session.fromState(fresh.state, { options, executor, resume: true });
}
