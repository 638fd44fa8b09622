import { ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from './store-options.ts';

describe('resolveOptions', () => {
  it('has the defaults: a 30 s busy timeout, auto-vacuum on; a string is the path', () => {
    expect(resolveOptions('/x.db', {})).toEqual({
      dbPath: '/x.db',
      timeoutMs: 30_000,
      autoVacuum: true,
      maxSizeBytes: undefined,
      synchronous: 'normal',
    });
    expect(
      resolveOptions({ dbPath: '/y.db', timeoutMs: 250, autoVacuum: false, synchronous: 'full' }, {}),
    ).toEqual({
      dbPath: '/y.db',
      timeoutMs: 250,
      autoVacuum: false,
      maxSizeBytes: undefined,
      synchronous: 'full',
    });
  });

  it('takes the path from CCFLOW_SESSION_STORAGE_PATH when none is given', () => {
    expect(resolveOptions({}, { CCFLOW_SESSION_STORAGE_PATH: '/env.db' }).dbPath).toBe('/env.db');
    expect(resolveOptions(undefined, { CCFLOW_SESSION_STORAGE_PATH: '/env.db' }).dbPath).toBe('/env.db');
  });

  it('rejects bad values with a ConfigurationError naming the option', () => {
    const bad: [string, object][] = [
      ['dbPath', { dbPath: '' }],
      ['timeoutMs', { timeoutMs: -1 }],
      ['timeoutMs', { timeoutMs: Number.NaN }],
      ['timeout', { timeout: 30 }],
      ['maxSizeBytes', { maxSizeBytes: 0 }],
      ['maxSizeBytes', { maxSizeBytes: 1.5 }],
      ['synchronous', { synchronous: 'off' }],
    ];
    for (const [field, options] of bad) {
      expect(() => resolveOptions(options, {})).toThrow(
        expect.objectContaining({ field, code: ConfigurationError.code }),
      );
    }
  });
});
