import { describe, expect, it } from 'vitest';
import { StderrTail } from './stderr-tail.ts';

describe('StderrTail', () => {
  it('keeps everything while under the cap', () => {
    const tail = new StderrTail(100);
    tail.push('warning: a\n');
    tail.push('error: b\n');
    expect(tail.text()).toBe('warning: a\nerror: b\n');
    expect(tail.lastLine()).toBe('error: b');
  });

  it('keeps only the last maxChars of a flood, counting all of it', () => {
    const tail = new StderrTail(1000);
    for (let i = 0; i < 10_000; i++) tail.push(`line ${i}\n`);
    expect(tail.text().length).toBeLessThanOrEqual(1000);
    expect(tail.text().endsWith('line 9999\n')).toBe(true);
    expect(tail.lastLine()).toBe('line 9999');
    expect(tail.totalChars).toBe(Array.from({ length: 10_000 }, (_, i) => `line ${i}\n`).join('').length);
  });

  it('cuts a single huge chunk to its end', () => {
    const tail = new StderrTail(10);
    tail.push(`${'a'.repeat(100)}0123456789`);
    expect(tail.text()).toBe('0123456789');
  });

  it('never starts with half a surrogate pair', () => {
    const tail = new StderrTail(3);
    tail.push('x😀y'); // 😀 is two code units
    tail.push('z'); // the last 3 units are the low half of 😀, y, z
    expect(tail.text()).toBe('yz');
  });

  it('has an empty last line when nothing was written', () => {
    expect(new StderrTail().lastLine()).toBe('');
  });
});
