import {
  AbortedError,
  CCFlowError,
  type CCFlowErrorOptions,
  CliAuthenticationError,
  CliExecutionError,
  CliTimeoutError,
  ConfigurationError,
  PermissionDeniedError,
  SessionNotFoundError,
  UsageLimitError,
} from '@ccflow/core';

/** The codes of `@ccflow/queue`'s errors. */
export type QueueErrorCode = 'WORKER_LOST' | 'SESSION_WORKER_GONE' | 'INVALID_JOB' | 'REMOTE_EXECUTION';

/**
 * The worker running a job stopped (killed, stalled, its connection lost) after part of the job's output had reached
 * the caller: running it again would repeat that output, so the job ends here. Retryable only by the caller, who
 * knows whether the turn's effects can be repeated.
 */
export class WorkerLostError extends CCFlowError {
  static override readonly code = 'WORKER_LOST';
  declare readonly code: 'WORKER_LOST';
  readonly jobId: string;
  constructor(init: CCFlowErrorOptions & { jobId: string }) {
    super(init);
    this.jobId = init.jobId;
  }
}

/**
 * A later turn of a session whose first turn ran on a worker that is gone: the CLI's session files are on that
 * worker's disk, so no other worker can resume it.
 */
export class SessionWorkerGoneError extends CCFlowError {
  static override readonly code = 'SESSION_WORKER_GONE';
  declare readonly code: 'SESSION_WORKER_GONE';
  readonly sessionId: string;
  readonly workerId: string;
  constructor(init: { sessionId: string; workerId: string; cause?: unknown }) {
    super({
      message:
        `session ${init.sessionId} lives on worker ${init.workerId}, which is gone: its CLI session files are on ` +
        'that worker’s disk (share ~/.claude/projects between workers to resume anywhere)',
      cause: init.cause,
    });
    this.sessionId = init.sessionId;
    this.workerId = init.workerId;
  }
}

/** A job whose data is not a valid request: it fails alone, the worker goes on. */
export class InvalidJobError extends CCFlowError {
  static override readonly code = 'INVALID_JOB';
  declare readonly code: 'INVALID_JOB';
}

/** An error from the worker with no class of its own here: `remoteCode` and the message are the worker's. */
export class RemoteExecutionError extends CCFlowError {
  static override readonly code = 'REMOTE_EXECUTION';
  declare readonly code: 'REMOTE_EXECUTION';
  readonly remoteCode: string;
  readonly retryable: boolean;
  constructor(init: CCFlowErrorOptions & { remoteCode: string; retryable?: boolean }) {
    super(init);
    this.remoteCode = init.remoteCode;
    this.retryable = init.retryable ?? false;
  }
  override get isRetryable(): boolean {
    return this.retryable;
  }
}

/** An error as it travels from a worker to the caller: plain JSON. */
export interface WireError {
  code: string;
  message: string;
  retryable: boolean;
  fields: Record<string, unknown>;
}

const FIELDS = [
  'field',
  'exitCode',
  'signal',
  'stderr',
  'subtype',
  'apiErrorStatus',
  'sessionId',
  'rateLimitType',
  'timeoutMs',
  'kind',
  'toolName',
  'toolUseId',
  'jobId',
  'workerId',
] as const;

/** Serialises an error for the stream: code, message and the known JSON fields of ccflow's errors. */
export function toWireError(error: unknown): WireError {
  if (error instanceof CCFlowError || CCFlowError.isInstance(error)) {
    const e = error as CCFlowError & Record<string, unknown>;
    const fields: Record<string, unknown> = {};
    for (const name of FIELDS) if (e[name] !== undefined) fields[name] = e[name];
    if (e.resetsAt instanceof Date) fields.resetsAt = e.resetsAt.getTime();
    return { code: e.code, message: e.message, retryable: e.isRetryable, fields };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'ERROR', message, retryable: false, fields: {} };
}

type Fields = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Rebuilds the caller-side error: the `CCFlowError` subclass of the code where there is one here. */
export function fromWireError(wire: WireError): CCFlowError {
  const { message, fields: f } = wire;
  const cli = (x: Fields) => ({
    message,
    exitCode: num(x.exitCode),
    signal: str(x.signal),
    stderr: str(x.stderr),
    subtype: str(x.subtype),
    apiErrorStatus: num(x.apiErrorStatus),
    sessionId: str(x.sessionId),
  });
  switch (wire.code) {
    case 'CONFIGURATION_ERROR': {
      const field = str(f.field) ?? 'request';
      const prefix = `${field}: `;
      return new ConfigurationError({
        field,
        problem: message.startsWith(prefix) ? message.slice(prefix.length) : message,
      });
    }
    case 'CLI_AUTHENTICATION':
      return new CliAuthenticationError({ message });
    case 'CLI_EXECUTION':
      return new CliExecutionError(cli(f));
    case 'USAGE_LIMIT':
      return new UsageLimitError({
        ...cli(f),
        resetsAt: num(f.resetsAt),
        rateLimitType: str(f.rateLimitType),
      });
    case 'CLI_TIMEOUT': {
      const kind = f.kind === 'idle' || f.kind === 'control' ? f.kind : 'total';
      return new CliTimeoutError({ message, timeoutMs: num(f.timeoutMs) ?? 0, kind });
    }
    case 'ABORTED':
      return new AbortedError({ message });
    case 'SESSION_NOT_FOUND':
      return new SessionNotFoundError({ sessionId: str(f.sessionId) ?? '', message });
    case 'PERMISSION_DENIED':
      return new PermissionDeniedError({ message, toolName: str(f.toolName), toolUseId: str(f.toolUseId) });
    case 'WORKER_LOST':
      return new WorkerLostError({ message, jobId: str(f.jobId) ?? '' });
    case 'INVALID_JOB':
      return new InvalidJobError({ message });
    default:
      return new RemoteExecutionError({ message, remoteCode: wire.code, retryable: wire.retryable });
  }
}
