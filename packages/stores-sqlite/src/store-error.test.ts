import { StoreError } from '@ccflow/sessions';
import { describe, expect, it } from 'vitest';
import { sqliteCode, toStoreError } from './store-error.ts';

function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toStoreError', () => {
  it('names the file, says what SQLite meant, keeps the cause', () => {
    const cause = sqliteError('SQLITE_FULL', 'database or disk is full');
    const error = toStoreError(cause, 'save a session', '/data/x.db');
    expect(StoreError.isInstance(error)).toBe(true);
    expect(error.path).toBe('/data/x.db');
    expect(error.message).toMatch(/^cannot save a session: the database or the disk is full/);
    expect(error.message).toContain('SQLITE_FULL');
    expect(error.message).toContain('/data/x.db');
    expect(error.cause).toBe(cause);
  });

  it('reads extended codes by their primary code', () => {
    const error = toStoreError(sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error'), 'save a trace', '/x');
    expect(error.message).toMatch(/a disk I\/O error \[SQLITE_IOERR_WRITE/);
    expect(toStoreError(sqliteError('SQLITE_BUSY_SNAPSHOT', 'busy'), 'a', '/x').message).toMatch(/locked/);
  });

  it('passes a StoreError through and wraps anything else', () => {
    const own = new StoreError({ message: 'closed', path: '/x' });
    expect(toStoreError(own, 'load', '/y')).toBe(own);
    const wrapped = toStoreError(new TypeError('boom'), 'load a session', '/y');
    expect(wrapped.message).toBe('cannot load a session: boom (/y)');
  });

  it('sqliteCode reads only SQLite codes', () => {
    expect(sqliteCode(sqliteError('SQLITE_BUSY', 'x'))).toBe('SQLITE_BUSY');
    expect(sqliteCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(sqliteCode(null)).toBeUndefined();
  });
});
