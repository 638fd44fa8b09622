import { SessionManager } from './session-manager.ts';
import type { SessionStore } from './session-store.ts';

let current: SessionManager | undefined;

/** The process-wide session manager (a memory store unless `initManager` gave another). */
export function getManager(): SessionManager {
  current ??= new SessionManager();
  return current;
}

/** Replaces the process-wide manager with one over `store`, stopping the previous one. */
export async function initManager(store?: SessionStore): Promise<SessionManager> {
  await current?.stop();
  current = new SessionManager({ store });
  return current;
}
