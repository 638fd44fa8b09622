/**
 * The one error hierarchy of ccflow, rooted here: each package owns its errors and extends `CCFlowError`. Every
 * error has a stable `code` (a union per package, e.g. `CoreErrorCode`); `isRetryable` says whether running the same
 * call again may succeed. `X.isInstance(e)` works across duplicate copies of a package (where `instanceof` does
 * not), because it reads a registry-wide symbol, not the class identity. Constructors take one object.
 */

const CODES = Symbol.for('ccflow.error.codes');

/** What every error is made from; subclasses add their fields. */
export interface CCFlowErrorOptions {
  message: string;
  cause?: unknown;
}

export class CCFlowError extends Error {
  static readonly code: string = 'CCFLOW_ERROR';
  readonly code: string;
  /** The codes of this error's class and its ancestors, read by `isInstance`. */
  readonly [CODES]: readonly string[];

  constructor(init: CCFlowErrorOptions) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const codes: string[] = [];
    for (let c = new.target as unknown as typeof CCFlowError | null; c?.code; c = Object.getPrototypeOf(c)) {
      if (!codes.includes(c.code)) codes.push(c.code);
    }
    this.name = new.target.name;
    this.code = codes[0] ?? CCFlowError.code;
    this[CODES] = codes;
  }

  get isRetryable(): boolean {
    return false;
  }

  /**
   * True for errors of this class or a subclass, from any copy of ccflow; a type guard, so
   * `if (CliTimeoutError.isInstance(e)) e.timeoutMs` needs no cast.
   */
  static isInstance<T extends abstract new (...args: never[]) => CCFlowError>(
    this: T & { readonly code: string },
    error: unknown,
  ): error is InstanceType<T> {
    const codes =
      typeof error === 'object' && error !== null ? (error as { [CODES]?: unknown })[CODES] : undefined;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class it is called on, so subclasses check their own code
    return Array.isArray(codes) && codes.includes(this.code);
  }
}

/** The codes of `@ccflow/core`'s errors. */
export type CoreErrorCode =
  | 'CCFLOW_ERROR'
  | 'CONFIGURATION_ERROR'
  | 'CLI_NOT_FOUND'
  | 'CLI_AUTHENTICATION'
  | 'CLI_EXECUTION'
  | 'USAGE_LIMIT'
  | 'CLI_TIMEOUT'
  | 'ABORTED'
  | 'PARSE_ERROR'
  | 'SESSION_NOT_FOUND'
  | 'MCP_SERVER_FAILED'
  | 'TOON_ENCODING'
  | 'PERMISSION_DENIED'
  | 'CONTROL_REQUEST_FAILED'
  | 'CONNECTION_CLOSED'
  | 'HOST_CALLBACK_FAILED';

/** An option, a request's prompt or an environment variable with a bad value; `field` names it. */
export class ConfigurationError extends CCFlowError {
  static override readonly code = 'CONFIGURATION_ERROR';
  declare readonly code: 'CONFIGURATION_ERROR';
  readonly field: string;
  /** The message is `field: problem`. */
  constructor(init: { field: string; problem: string; cause?: unknown }) {
    super({ message: `${init.field}: ${init.problem}`, cause: init.cause });
    this.field = init.field;
  }
}

export class CliNotFoundError extends CCFlowError {
  static override readonly code = 'CLI_NOT_FOUND';
  declare readonly code: 'CLI_NOT_FOUND';
  /** Every place that was looked in. */
  readonly searched: readonly string[];
  constructor(init: CCFlowErrorOptions & { searched?: readonly string[] }) {
    super(init);
    this.searched = init.searched ?? [];
  }
}

/** The API refused the key (HTTP 401 through the CLI), or no credentials were found. */
export class CliAuthenticationError extends CCFlowError {
  static override readonly code = 'CLI_AUTHENTICATION';
  declare readonly code: 'CLI_AUTHENTICATION';
}

export interface CliExecutionDetails {
  exitCode?: number | null;
  signal?: string | null;
  /** The end of what the CLI wrote to stderr. */
  stderr?: string;
  /** The result's subtype, when the CLI printed one. */
  subtype?: string;
  /** The HTTP status of the API error that ended the turn, when there was one. */
  apiErrorStatus?: number | null;
  sessionId?: string;
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** Whether an HTTP status from the API says another try may succeed (408, 409, 429, 5xx, 529). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** The CLI failed: an error result, a crash, or an exit without a result. */
export class CliExecutionError extends CCFlowError {
  static override readonly code: string = 'CLI_EXECUTION';
  declare readonly code: 'CLI_EXECUTION' | 'USAGE_LIMIT';
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  readonly subtype: string | undefined;
  readonly apiErrorStatus: number | null;
  readonly sessionId: string | undefined;

  constructor(init: CCFlowErrorOptions & CliExecutionDetails) {
    super(init);
    this.exitCode = init.exitCode ?? null;
    this.signal = init.signal ?? null;
    this.stderr = init.stderr ?? '';
    this.subtype = init.subtype;
    this.apiErrorStatus = init.apiErrorStatus ?? null;
    this.sessionId = init.sessionId;
  }

  /** Transient API failures (429, 5xx, 529) are worth another try; limits and bad requests are not. */
  override get isRetryable(): boolean {
    return this.apiErrorStatus !== null && isRetryableStatus(this.apiErrorStatus);
  }
}

export interface UsageLimitDetails extends CliExecutionDetails {
  /** When the limit resets, in ms since the epoch. */
  resetsAt?: number;
  /** Which limit: `five_hour`, `seven_day`, `overage`, ... */
  rateLimitType?: string;
}

/**
 * The account's usage limit stopped the turn: the CLI's `rate_limit_event` said `rejected`, or its result said
 * `usage_limit_reached`. Nothing is wrong with the CLI or the request; the same call succeeds after `resetsAt`.
 * Retryable only when the reset time is known (the retry decorator waits for it, within its bound).
 */
export class UsageLimitError extends CliExecutionError {
  static override readonly code = 'USAGE_LIMIT';
  declare readonly code: 'USAGE_LIMIT';
  /** When the limit resets, when the CLI said. */
  readonly resetsAt: Date | undefined;
  readonly rateLimitType: string | undefined;
  /** Milliseconds from when the error was made until the reset (0 when it has passed); undefined when not known. */
  readonly retryAfterMs: number | undefined;

  constructor(init: CCFlowErrorOptions & UsageLimitDetails) {
    super(init);
    const { resetsAt } = init;
    const known = resetsAt !== undefined && Number.isFinite(resetsAt);
    this.resetsAt = known ? new Date(resetsAt) : undefined;
    this.rateLimitType = init.rateLimitType;
    this.retryAfterMs = known ? Math.max(0, resetsAt - Date.now()) : undefined;
  }

  override get isRetryable(): boolean {
    return this.resetsAt !== undefined;
  }
}

export class CliTimeoutError extends CCFlowError {
  static override readonly code = 'CLI_TIMEOUT';
  declare readonly code: 'CLI_TIMEOUT';
  readonly timeoutMs: number;
  /** `total`: the wall-clock limit; `idle`: no output for that long; `control`: no answer to a control request. */
  readonly kind: 'total' | 'idle' | 'control';
  constructor(init: CCFlowErrorOptions & { timeoutMs: number; kind?: 'total' | 'idle' | 'control' }) {
    super(init);
    this.timeoutMs = init.timeoutMs;
    this.kind = init.kind ?? 'total';
  }
  override get isRetryable(): boolean {
    return true;
  }
}

/** The caller aborted the call (its `AbortSignal`); `cause` is the signal's reason. */
export class AbortedError extends CCFlowError {
  static override readonly code = 'ABORTED';
  declare readonly code: 'ABORTED';
}

/** The CLI printed something that is not a message (strict mode only). */
export class ParseError extends CCFlowError {
  static override readonly code = 'PARSE_ERROR';
  declare readonly code: 'PARSE_ERROR';
  /** 1-based line number of the output. */
  readonly line: number;
  readonly text: string;
  constructor(init: CCFlowErrorOptions & { line: number; text: string }) {
    super(init);
    this.line = init.line;
    this.text = init.text;
  }
}

/** No session of that id (in a store, or for the CLI's `--resume`), or none to continue (`sessionId` empty). */
export class SessionNotFoundError extends CCFlowError {
  static override readonly code = 'SESSION_NOT_FOUND';
  declare readonly code: 'SESSION_NOT_FOUND';
  readonly sessionId: string;
  constructor(init: { sessionId: string; message?: string; cause?: unknown }) {
    super({ message: init.message ?? `session not found: ${init.sessionId}`, cause: init.cause });
    this.sessionId = init.sessionId;
  }
}

/**
 * With `strictMcp`, an MCP server the CLI could not start, reach or authenticate (its `init` said `failed` or
 * `needs-auth`): the run is stopped rather than going on without the server's tools.
 */
export class McpServerError extends CCFlowError {
  static override readonly code = 'MCP_SERVER_FAILED';
  declare readonly code: 'MCP_SERVER_FAILED';
  /** Each server that is not available, with the status the CLI gave it. */
  readonly servers: readonly { name: string; status: string }[];
  readonly sessionId: string | undefined;
  constructor(
    init: CCFlowErrorOptions & { servers: readonly { name: string; status: string }[]; sessionId?: string },
  ) {
    super(init);
    this.servers = init.servers;
    this.sessionId = init.sessionId;
  }
}

export class ToonEncodingError extends CCFlowError {
  static override readonly code = 'TOON_ENCODING';
  declare readonly code: 'TOON_ENCODING';
}

/** The CLI refused a tool call for want of permission (raised only with `strictPermissions`). */
export class PermissionDeniedError extends CCFlowError {
  static override readonly code = 'PERMISSION_DENIED';
  declare readonly code: 'PERMISSION_DENIED';
  readonly toolName: string | undefined;
  readonly toolUseId: string | undefined;
  constructor(init: CCFlowErrorOptions & { toolName?: string; toolUseId?: string }) {
    super(init);
    this.toolName = init.toolName;
    this.toolUseId = init.toolUseId;
  }
}

/** The CLI answered a control request with an error (an unknown subtype, a refused change). */
export class ControlRequestError extends CCFlowError {
  static override readonly code = 'CONTROL_REQUEST_FAILED';
  declare readonly code: 'CONTROL_REQUEST_FAILED';
  /** The request's subtype (`set_model`, `rewind_files`...). */
  readonly subtype: string;
  /** The CLI's own code for the failure, when it gives one (`unsupported_request`). */
  readonly errorCode: string | undefined;
  constructor(init: CCFlowErrorOptions & { subtype: string; errorCode?: string }) {
    super(init);
    this.subtype = init.subtype;
    this.errorCode = init.errorCode;
  }
}

/** A live connection was closed, or its CLI ended, before the request could be sent or answered. */
export class ConnectionClosedError extends CCFlowError {
  static override readonly code = 'CONNECTION_CLOSED';
  declare readonly code: 'CONNECTION_CLOSED';
}

/**
 * A host callback (`canUseTool`, a hook) failed: it threw, did not answer within its timeout, or returned something
 * that is not a valid answer. The CLI got a well-formed answer in its place (a deny; a hook error, which the CLI
 * treats as the matcher's `onFailure` says) and the connection goes on; this error is recorded on the callback's
 * span. `cause` is what the callback threw, or the validation error.
 */
export class HostCallbackError extends CCFlowError {
  static override readonly code = 'HOST_CALLBACK_FAILED';
  declare readonly code: 'HOST_CALLBACK_FAILED';
  /** `canUseTool`, or the hook event (`PreToolUse`...). */
  readonly callback: string;
  readonly failure: 'threw' | 'timeout' | 'invalid';
  readonly toolName: string | undefined;
  readonly timeoutMs: number | undefined;
  constructor(
    init: CCFlowErrorOptions & {
      callback: string;
      failure: 'threw' | 'timeout' | 'invalid';
      toolName?: string;
      timeoutMs?: number;
    },
  ) {
    super(init);
    this.callback = init.callback;
    this.failure = init.failure;
    this.toolName = init.toolName;
    this.timeoutMs = init.timeoutMs;
  }
}
