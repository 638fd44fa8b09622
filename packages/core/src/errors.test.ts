import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from './errors.ts';

const {
  CCFlowError,
  APIClientError,
  APIRateLimitError,
  CLIExecutionError,
  CLITimeoutError,
  ConfigurationError,
} = errors;

describe('errors', () => {
  const classes = Object.values(errors).filter(
    (v): v is typeof CCFlowError =>
      typeof v === 'function' && (v === CCFlowError || v.prototype instanceof CCFlowError),
  );

  it('every class has its own stable code and name, and descends from CCFlowError', () => {
    const codes = classes.map((c) => c.code);
    expect(new Set(codes).size).toBe(classes.length);
    expect(classes.length).toBeGreaterThanOrEqual(19);
    for (const c of classes) expect(c.code).toMatch(/^[A-Z_]+$/);
    const e = new CLITimeoutError('slow', 5000, 'idle');
    expect(e).toMatchObject({ name: 'CLITimeoutError', code: 'CLI_TIMEOUT', timeoutMs: 5000, kind: 'idle' });
    expect(e).toBeInstanceOf(CCFlowError);
    expect(e).toBeInstanceOf(Error);
  });

  it('isInstance is a type guard: the narrowed error needs no cast', () => {
    const caught: unknown = new errors.CLITimeoutError('slow', 5_000, 'idle');
    if (!errors.CLITimeoutError.isInstance(caught)) throw new Error('not narrowed');
    expectTypeOf(caught).toEqualTypeOf<errors.CLITimeoutError>();
    expect(caught.timeoutMs + (caught.kind === 'idle' ? 0 : 1)).toBe(5_000);
    const base: unknown = caught;
    if (errors.CCFlowError.isInstance(base)) expectTypeOf(base.code).toEqualTypeOf<string>();
  });

  it('isInstance follows the hierarchy and survives a second copy of the package', () => {
    const rate = new APIRateLimitError('slow down', 3);
    expect(APIRateLimitError.isInstance(rate)).toBe(true);
    expect(APIClientError.isInstance(rate)).toBe(true);
    expect(CCFlowError.isInstance(rate)).toBe(true);
    expect(CLIExecutionError.isInstance(rate)).toBe(false);
    expect(CCFlowError.isInstance(new Error('x'))).toBe(false);
    expect(CCFlowError.isInstance(null)).toBe(false);

    // A structured clone stands in for an error made by another copy of ccflow: same symbol, different class.
    const foreign = Object.assign(new Error('from elsewhere'), {
      [Symbol.for('ccflow.error.codes')]: ['CLI_TIMEOUT', 'CCFLOW_ERROR'],
    });
    expect(foreign instanceof CLITimeoutError).toBe(false);
    expect(CLITimeoutError.isInstance(foreign)).toBe(true);
    expect(CCFlowError.isInstance(foreign)).toBe(true);
  });

  it('isRetryable is true only where another try can help', () => {
    expect(new CLIExecutionError('x', { apiErrorStatus: 529 }).isRetryable).toBe(true);
    expect(new CLIExecutionError('x', { apiErrorStatus: 429 }).isRetryable).toBe(true);
    expect(new CLIExecutionError('x', { apiErrorStatus: 400 }).isRetryable).toBe(false);
    expect(new CLIExecutionError('x', { subtype: 'error_max_turns' }).isRetryable).toBe(false);
    expect(new CLITimeoutError('x', 1).isRetryable).toBe(true);
    expect(new APIRateLimitError('x').isRetryable).toBe(true);
    expect(new ConfigurationError('model', 'bad').isRetryable).toBe(false);
  });

  it('ConfigurationError names the field in its message, and keeps the cause', () => {
    const cause = new Error('inner');
    const e = new ConfigurationError('mcpServers.db.url', 'Invalid URL', { cause });
    expect(e.message).toBe('mcpServers.db.url: Invalid URL');
    expect(e.field).toBe('mcpServers.db.url');
    expect(e.cause).toBe(cause);
  });
});
