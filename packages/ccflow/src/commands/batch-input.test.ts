import { ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { parseBatchInput } from './batch-input.ts';

describe('parseBatchInput', () => {
  it('lines: each non-blank line is a prompt, its id its 1-based line number', () => {
    const items = parseBatchInput('Name a prime\n\n  \nName a colour\r\n', { model: 'haiku' });
    expect(items).toEqual([
      { id: 1, line: 1, prompt: 'Name a prime', options: { model: 'haiku' } },
      { id: 4, line: 4, prompt: 'Name a colour', options: { model: 'haiku' } },
    ]);
  });

  it('JSONL: ids given or the line number, the line options merged over the batch options (env merged too)', () => {
    const text = [
      '{"id": "a", "prompt": "one"}',
      '',
      '{"prompt": "two", "options": {"model": "opus", "env": {"B": "2"}}}',
      '{"id": 7, "prompt": "three", "options": {"maxTurns": 2}}',
    ].join('\n');
    const items = parseBatchInput(text, { model: 'haiku', env: { A: '1' } });
    expect(items).toEqual([
      { id: 'a', line: 1, prompt: 'one', options: { model: 'haiku', env: { A: '1' } } },
      { id: 3, line: 3, prompt: 'two', options: { model: 'opus', env: { A: '1', B: '2' } } },
      { id: 7, line: 4, prompt: 'three', options: { model: 'haiku', env: { A: '1' }, maxTurns: 2 } },
    ]);
  });

  it('the format is decided for the whole file: auto reads lines unless the first line is an object', () => {
    expect(parseBatchInput('plain\n{"prompt": "x"}', {}).map((i) => i.prompt)).toEqual([
      'plain',
      '{"prompt": "x"}',
    ]);
    expect(parseBatchInput('{"prompt": "x"}', {}, 'lines')[0]?.prompt).toBe('{"prompt": "x"}');
    expect(() => parseBatchInput('plain', {}, 'jsonl')).toThrow(/^line 1: not JSON/);
  });

  it.each([
    ['{"prompt": "ok"}\n{"prompt": "broken"', /^line 2: not JSON: /],
    ['{"prompt": "ok"}\n["a list"]', /^line 2: must be a JSON object/],
    ['{"prompt": "ok"}\n\n{"id": 1}', /^line 3: needs "prompt", a string$/],
    ['{"prompt": "ok"}\n{"prompt": "x", "opts": {}}', /^line 2: unknown field opts/],
    ['{"prompt": "x", "options": {"modle": "opus"}}', /^line 1: modle: unknown option; did you mean model\?/],
    ['{"prompt": "x", "options": []}', /^line 1: "options" must be a JSON object$/],
    ['{"prompt": "x", "id": 1.5}', /^line 1: "id" must be a non-empty string or an integer$/],
    ['{"prompt": "x", "id": ""}', /^line 1: "id" must be a non-empty string or an integer$/],
    ['{"prompt": "   "}', /^line 1: prompt: is empty or only whitespace/],
    [
      '{"id": "a", "prompt": "x"}\n{"id": "b", "prompt": "y"}\n{"id": "a", "prompt": "z"}',
      /^line 3: id "a" is already used on line 1$/,
    ],
    ['{"id": 2, "prompt": "x"}\n{"prompt": "y"}', /^line 2: id 2 is already used on line 1$/],
  ])('a bad line is a ConfigurationError naming it: %j', (text, message) => {
    let error: unknown;
    try {
      parseBatchInput(text, {});
    } catch (e) {
      error = e;
    }
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('a byte-order mark and CRLF line ends are not part of the first line', () => {
    expect(parseBatchInput('\uFEFF{"prompt": "x"}\r\n{"prompt": "y"}\r\n', {}).map((i) => i.prompt)).toEqual([
      'x',
      'y',
    ]);
  });

  it('"1" and 1 are different ids', () => {
    const items = parseBatchInput('{"id": "1", "prompt": "x"}\n{"prompt": "y"}', {});
    expect(items.map((i) => i.id)).toEqual(['1', 2]);
    expect(parseBatchInput('{"id": "2", "prompt": "x"}\n{"prompt": "y"}', {}).map((i) => i.id)).toEqual([
      '2',
      2,
    ]);
  });
});
