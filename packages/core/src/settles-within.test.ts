import { describe, expect, it } from 'vitest';
import { settlesWithin } from './settles-within.ts';

describe('settlesWithin', () => {
  it('is true when the promise settles in time, either way, and leaves no timer behind', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(await settlesWithin(Promise.resolve(1), 10_000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('x')), 10_000)).toBe(true);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });

  it('is false when it does not', async () => {
    expect(await settlesWithin(new Promise(() => {}), 20)).toBe(false);
  });
});
