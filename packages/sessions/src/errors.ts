import { CCFlowError } from '@ccflow/core';

/** The codes of `@ccflow/sessions`'s errors. */
export type SessionsErrorCode = 'SESSION_BUSY' | 'SESSION_CLOSED';

/** A session got a second message while a turn was still running (turns are strictly one at a time). */
export class SessionBusyError extends CCFlowError {
  static override readonly code = 'SESSION_BUSY';
  declare readonly code: 'SESSION_BUSY';
  readonly sessionId: string;
  constructor(init: { sessionId: string }) {
    super({
      message: `session ${init.sessionId} is running a turn; wait for it to end before sending another message`,
    });
    this.sessionId = init.sessionId;
  }
}

/** A session was used after `close()`. */
export class SessionClosedError extends CCFlowError {
  static override readonly code = 'SESSION_CLOSED';
  declare readonly code: 'SESSION_CLOSED';
  readonly sessionId: string;
  constructor(init: { sessionId: string }) {
    super({ message: `session ${init.sessionId} is closed` });
    this.sessionId = init.sessionId;
  }
}
