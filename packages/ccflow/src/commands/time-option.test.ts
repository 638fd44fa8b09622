import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { timeOption } from './time-option.ts';

describe('--since / --until', () => {
  const now = () => Date.UTC(2026, 11, 4, 12);
  const since = timeOption('since', now);
  const until = timeOption('until', now);

  it('a bare date is the whole UTC day: its start for --since, its last millisecond for --until', () => {
    expect(since('2026-12-04').toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(until('2026-12-04').toISOString()).toBe('2026-12-04T23:59:59.999Z');
  });

  it('a date-time is that instant; a time ago counts back from now', () => {
    expect(until('2026-12-04T10:30:00Z').toISOString()).toBe('2026-12-04T10:30:00.000Z');
    expect(since('30m').toISOString()).toBe('2026-12-04T11:30:00.000Z');
    expect(since('12h').toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(since('7d').toISOString()).toBe('2026-11-27T12:00:00.000Z');
    expect(until('2w').toISOString()).toBe('2026-11-20T12:00:00.000Z');
  });

  it('anything else is bad usage', () => {
    for (const bad of ['yesterday', '7', '7y', '', '2026-13-45', 'Dec 4 2026', '-1d'])
      expect(() => since(bad), bad).toThrow(InvalidArgumentError);
  });
});
