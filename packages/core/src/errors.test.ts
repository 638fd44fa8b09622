import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from './errors.ts';

const { CCFlowError, CliExecutionError, CliTimeoutError, ConfigurationError, UsageLimitError } = errors;

describe('errors', () => {
  const classes = Object.values(errors).filter(
    (v): v is typeof CCFlowError =>
      typeof v === 'function' && (v === CCFlowError || v.prototype instanceof CCFlowError),
  );

  it('every class has its own stable code and name, and descends from CCFlowError', () => {
    const codes = classes.map((c) => c.code);
    expect(new Set(codes).size).toBe(classes.length);
    expect(classes.length).toBeGreaterThanOrEqual(13);
    for (const c of classes) expect(c.code).toMatch(/^[A-Z_]+$/);
    const e = new CliTimeoutError({ message: 'slow', timeoutMs: 5000, kind: 'idle' });
    expect(e).toMatchObject({ name: 'CliTimeoutError', code: 'CLI_TIMEOUT', timeoutMs: 5000, kind: 'idle' });
    expect(e).toBeInstanceOf(CCFlowError);
    expect(e).toBeInstanceOf(Error);
  });

  it('isInstance is a type guard: the narrowed error needs no cast', () => {
    const caught: unknown = new errors.CliTimeoutError({ message: 'slow', timeoutMs: 5_000, kind: 'idle' });
    if (!errors.CliTimeoutError.isInstance(caught)) throw new Error('not narrowed');
    expectTypeOf(caught).toEqualTypeOf<errors.CliTimeoutError>();
    expect(caught.timeoutMs + (caught.kind === 'idle' ? 0 : 1)).toBe(5_000);
    const base: unknown = caught;
    if (errors.CCFlowError.isInstance(base)) expectTypeOf(base.code).toEqualTypeOf<string>();
  });

  it('isInstance follows the hierarchy and survives a second copy of the package', () => {
    const limit = new UsageLimitError({ message: 'limit', resetsAt: Date.now() + 3_000 });
    expect(UsageLimitError.isInstance(limit)).toBe(true);
    expect(CliExecutionError.isInstance(limit)).toBe(true);
    expect(CCFlowError.isInstance(limit)).toBe(true);
    expect(CliTimeoutError.isInstance(limit)).toBe(false);
    expect(CCFlowError.isInstance(new Error('x'))).toBe(false);
    expect(CCFlowError.isInstance(null)).toBe(false);

    // A structured clone stands in for an error made by another copy of ccflow: same symbol, different class.
    const foreign = Object.assign(new Error('from elsewhere'), {
      [Symbol.for('ccflow.error.codes')]: ['CLI_TIMEOUT', 'CCFLOW_ERROR'],
    });
    expect(foreign instanceof CliTimeoutError).toBe(false);
    expect(CliTimeoutError.isInstance(foreign)).toBe(true);
    expect(CCFlowError.isInstance(foreign)).toBe(true);
  });

  it('isRetryable is true only where another try can help', () => {
    expect(new CliExecutionError({ message: 'x', apiErrorStatus: 529 }).isRetryable).toBe(true);
    expect(new CliExecutionError({ message: 'x', apiErrorStatus: 429 }).isRetryable).toBe(true);
    expect(new CliExecutionError({ message: 'x', apiErrorStatus: 400 }).isRetryable).toBe(false);
    expect(new CliExecutionError({ message: 'x', subtype: 'error_max_turns' }).isRetryable).toBe(false);
    expect(new CliTimeoutError({ message: 'x', timeoutMs: 1 }).isRetryable).toBe(true);
    expect(new UsageLimitError({ message: 'x', resetsAt: Date.now() }).isRetryable).toBe(true);
    expect(new UsageLimitError({ message: 'x' }).isRetryable).toBe(false);
    expect(new ConfigurationError({ field: 'model', problem: 'bad' }).isRetryable).toBe(false);
  });

  it('ConfigurationError names the field in its message, and keeps the cause', () => {
    const cause = new Error('inner');
    const e = new ConfigurationError({ field: 'mcpServers.db.url', problem: 'Invalid URL', cause });
    expect(e.message).toBe('mcpServers.db.url: Invalid URL');
    expect(e.field).toBe('mcpServers.db.url');
    expect(e.cause).toBe(cause);
  });

  it('each class narrows its code to a literal, and every code is in the package union', () => {
    expectTypeOf(new CliTimeoutError({ message: 'x', timeoutMs: 1 }).code).toEqualTypeOf<'CLI_TIMEOUT'>();
    expectTypeOf<errors.CliExecutionError['code']>().toEqualTypeOf<'CLI_EXECUTION' | 'USAGE_LIMIT'>();
    const codes = classes.map((c) => c.code);
    const union: errors.CoreErrorCode[] = [
      'CCFLOW_ERROR',
      'CONFIGURATION_ERROR',
      'CLI_NOT_FOUND',
      'CLI_AUTHENTICATION',
      'CLI_EXECUTION',
      'USAGE_LIMIT',
      'CLI_TIMEOUT',
      'ABORTED',
      'PARSE_ERROR',
      'SESSION_NOT_FOUND',
      'MCP_SERVER_FAILED',
      'TOON_ENCODING',
      'PERMISSION_DENIED',
      'CONTROL_REQUEST_FAILED',
      'CONNECTION_CLOSED',
      'HOST_CALLBACK_FAILED',
    ];
    expect(codes.filter((c) => c !== 'SESSION_STORE').sort()).toEqual([...union].sort());
  });
});
