import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatabasePath } from './default-path.ts';

describe('defaultDatabasePath', () => {
  it('is CCFLOW_SESSION_STORAGE_PATH when set', () => {
    expect(defaultDatabasePath({ CCFLOW_SESSION_STORAGE_PATH: '/data/ccflow.db' })).toBe('/data/ccflow.db');
  });

  it('is ~/.ccflow/ccflow.db otherwise (an empty variable is unset)', () => {
    const expected = join(homedir(), '.ccflow', 'ccflow.db');
    expect(defaultDatabasePath({})).toBe(expected);
    expect(defaultDatabasePath({ CCFLOW_SESSION_STORAGE_PATH: '' })).toBe(expected);
  });
});
