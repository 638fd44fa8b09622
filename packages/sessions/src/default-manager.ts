import { runtimeKey } from '@ccflow/core';
import { SessionManager } from './session-manager.ts';

/**
 * The process-wide session manager, over a memory store unless set to another
 * (`runtime.set(SESSION_MANAGER, new SessionManager({ store }))`). `runtime.dispose()` stops it and closes its store.
 */
export const SESSION_MANAGER = runtimeKey('@ccflow/sessions:sessionManager', () => new SessionManager());
