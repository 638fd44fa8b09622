import { describe, expect, it } from 'vitest';
import { cell, colours, table } from './output.ts';

describe('colours', () => {
  it('paint on a terminal only, and never with NO_COLOR set', () => {
    expect(colours({ isTTY: true }, {}).bold('x')).toBe('\u001b[1mx\u001b[0m');
    expect(colours({ isTTY: true }, { NO_COLOR: '1' }).bold('x')).toBe('x');
    expect(colours({ isTTY: false }, {}).red('x')).toBe('x');
    expect(colours({}, {}).red('x')).toBe('x');
  });
});

describe('table', () => {
  it('aligns the columns under the header and leaves the last one unpadded', () => {
    expect(
      table(
        ['ID', 'TITLE'],
        [
          ['a', 'one'],
          ['bbbb', ''],
        ],
      ),
    ).toBe('ID    TITLE\na     one\nbbbb\n');
  });

  it('a cell is one line, cut with an ellipsis', () => {
    expect(cell('a\n b\tc')).toBe('a b c');
    expect(cell('abcdef', 4)).toBe('abc…');
    expect(cell(undefined)).toBe('');
  });
});
