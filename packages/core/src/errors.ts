/**
 * The one error hierarchy of ccflow. Every error has a stable `code`; `isRetryable` says whether running the same
 * call again may succeed. `X.isInstance(e)` works across duplicate copies of the package (where `instanceof` does
 * not), because it reads a registry-wide symbol, not the class identity.
 */

const CODES = Symbol.for('ccflow.error.codes');

export interface CCFlowErrorOptions {
  cause?: unknown;
}

export class CCFlowError extends Error {
  static readonly code: string = 'CCFLOW_ERROR';
  readonly code: string;
  /** The codes of this error's class and its ancestors, read by `isInstance`. */
  readonly [CODES]: readonly string[];

  constructor(message: string, options: CCFlowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
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
   * `if (CLITimeoutError.isInstance(e)) e.timeoutMs` needs no cast.
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

/** An option, a request's prompt or an environment variable with a bad value; `field` names it. */
export class ConfigurationError extends CCFlowError {
  static override readonly code = 'CONFIGURATION_ERROR';
  constructor(
    readonly field: string,
    message: string,
    options?: CCFlowErrorOptions,
  ) {
    super(`${field}: ${message}`, options);
  }
}

export class CLINotFoundError extends CCFlowError {
  static override readonly code = 'CLI_NOT_FOUND';
  constructor(
    message: string,
    readonly searched: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The API refused the key (HTTP 401 through the CLI), or no credentials were found. */
export class CLIAuthenticationError extends CCFlowError {
  static override readonly code = 'CLI_AUTHENTICATION';
}

export interface CLIExecutionDetails {
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

/** The CLI failed: an error result, a crash, or an exit without a result. */
export class CLIExecutionError extends CCFlowError {
  static override readonly code: string = 'CLI_EXECUTION';
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  readonly subtype: string | undefined;
  readonly apiErrorStatus: number | null;
  readonly sessionId: string | undefined;

  constructor(message: string, details: CLIExecutionDetails = {}, options?: CCFlowErrorOptions) {
    super(message, options);
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderr = details.stderr ?? '';
    this.subtype = details.subtype;
    this.apiErrorStatus = details.apiErrorStatus ?? null;
    this.sessionId = details.sessionId;
  }

  /** Transient API failures (429, 5xx, 529) are worth another try; limits and bad requests are not. */
  override get isRetryable(): boolean {
    return this.apiErrorStatus !== null && RETRYABLE_STATUS.has(this.apiErrorStatus);
  }
}

export interface UsageLimitDetails extends CLIExecutionDetails {
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
export class UsageLimitError extends CLIExecutionError {
  static override readonly code = 'USAGE_LIMIT';
  /** When the limit resets, when the CLI said. */
  readonly resetsAt: Date | undefined;
  readonly rateLimitType: string | undefined;
  /** Milliseconds from when the error was made until the reset (0 when it has passed); undefined when not known. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: UsageLimitDetails = {}, options?: CCFlowErrorOptions) {
    super(message, details, options);
    const { resetsAt } = details;
    const known = resetsAt !== undefined && Number.isFinite(resetsAt);
    this.resetsAt = known ? new Date(resetsAt) : undefined;
    this.rateLimitType = details.rateLimitType;
    this.retryAfterMs = known ? Math.max(0, resetsAt - Date.now()) : undefined;
  }

  override get isRetryable(): boolean {
    return this.resetsAt !== undefined;
  }
}

export class CLITimeoutError extends CCFlowError {
  static override readonly code = 'CLI_TIMEOUT';
  constructor(
    message: string,
    readonly timeoutMs: number,
    /** `total`: the wall-clock limit; `idle`: no output for that long. */
    readonly kind: 'total' | 'idle' = 'total',
  ) {
    super(message);
  }
  override get isRetryable(): boolean {
    return true;
  }
}

/** The caller aborted the call (its `AbortSignal`); `cause` is the signal's reason. */
export class AbortedError extends CCFlowError {
  static override readonly code = 'ABORTED';
}

/** The CLI printed something that is not a message (strict mode only). */
export class ParseError extends CCFlowError {
  static override readonly code = 'PARSE_ERROR';
  constructor(
    message: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(message);
  }
}

/** No session of that id (in a store, or for the CLI's `--resume`), or none to continue (`sessionId` empty). */
export class SessionNotFoundError extends CCFlowError {
  static override readonly code = 'SESSION_NOT_FOUND';
  constructor(
    readonly sessionId: string,
    message = `session not found: ${sessionId}`,
  ) {
    super(message);
  }
}

/** A session got a second message while a turn was still running (turns are strictly one at a time). */
export class SessionBusyError extends CCFlowError {
  static override readonly code = 'SESSION_BUSY';
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is running a turn; wait for it to end before sending another message`);
  }
}

/** A session was used after `close()`. */
export class SessionClosedError extends CCFlowError {
  static override readonly code = 'SESSION_CLOSED';
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is closed`);
  }
}

/**
 * With `strictMcp`, an MCP server the CLI could not start, reach or authenticate (its `init` said `failed` or
 * `needs-auth`): the run is stopped rather than going on without the server's tools.
 */
export class MCPServerError extends CCFlowError {
  static override readonly code = 'MCP_SERVER_FAILED';
  constructor(
    message: string,
    /** Each server that is not available, with the status the CLI gave it. */
    readonly servers: readonly { name: string; status: string }[],
    readonly sessionId?: string,
  ) {
    super(message);
  }
}

export class ToonEncodingError extends CCFlowError {
  static override readonly code = 'TOON_ENCODING';
}

/** The CLI refused a tool call for want of permission (raised only with `strictPermissions`). */
export class PermissionDeniedError extends CCFlowError {
  static override readonly code = 'PERMISSION_DENIED';
  constructor(
    message: string,
    readonly toolName?: string,
    readonly toolUseId?: string,
  ) {
    super(message);
  }
}

export class RateLimitExceededError extends CCFlowError {
  static override readonly code = 'RATE_LIMIT_EXCEEDED';
  constructor(
    message: string,
    /** Milliseconds until a slot is expected, when known. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  override get isRetryable(): boolean {
    return true;
  }
}

export class ConcurrencyLimitExceededError extends CCFlowError {
  static override readonly code = 'CONCURRENCY_LIMIT_EXCEEDED';
  override get isRetryable(): boolean {
    return true;
  }
}

export class CircuitBreakerError extends CCFlowError {
  static override readonly code = 'CIRCUIT_OPEN';
  constructor(
    message: string,
    readonly circuit: string,
    /** Milliseconds until the circuit lets a trial call through. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class RetryExhaustedError extends CCFlowError {
  static override readonly code = 'RETRY_EXHAUSTED';
  constructor(
    message: string,
    /** Every attempt's error, in order. */
    readonly errors: readonly unknown[],
  ) {
    super(message, { cause: errors.at(-1) });
  }
}

export class APIClientError extends CCFlowError {
  static override readonly code: string = 'API_CLIENT';
  constructor(
    message: string,
    readonly status?: number,
    options?: CCFlowErrorOptions,
  ) {
    super(message, options);
  }
  override get isRetryable(): boolean {
    return this.status !== undefined && RETRYABLE_STATUS.has(this.status);
  }
}

export class APINotAvailableError extends APIClientError {
  static override readonly code = 'API_NOT_AVAILABLE';
}

export class APIRateLimitError extends APIClientError {
  static override readonly code = 'API_RATE_LIMIT';
  constructor(
    message: string,
    /** Milliseconds, from the response's `retry-after`, when it had one. */
    readonly retryAfterMs?: number,
  ) {
    super(message, 429);
  }
}
