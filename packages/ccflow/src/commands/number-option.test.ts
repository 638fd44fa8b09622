import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { countOption, positiveOption } from './number-option.ts';

describe('--limit / --offset', () => {
  it('takes whole numbers from 0, nothing else', () => {
    expect(countOption('0')).toBe(0);
    expect(countOption('25')).toBe(25);
    for (const bad of ['-1', '1.5', '1e3', '', 'x', '99999999999999999999'])
      expect(() => countOption(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('--concurrency', () => {
  it('takes whole numbers from 1, nothing else', () => {
    expect(positiveOption('1')).toBe(1);
    expect(positiveOption('8')).toBe(8);
    for (const bad of ['0', '-1', '1.5', '', 'x', '99999999999999999999'])
      expect(() => positiveOption(bad), bad).toThrow(InvalidArgumentError);
  });
});
