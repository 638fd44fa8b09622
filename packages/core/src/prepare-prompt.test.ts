import { describe, expect, it } from 'vitest';
import { decodeContextBlock } from './context-block.ts';
import { ConfigurationError } from './errors.ts';
import { resolveOptions } from './options.ts';
import { preparePrompt } from './prepare-prompt.ts';

const users = { users: [{ id: 1, name: 'Ada' }] };

describe('preparePrompt', () => {
  it('leaves a prompt without context as it is', () => {
    expect(preparePrompt('Hi', resolveOptions(), true)).toEqual({ prompt: 'Hi', encoding: undefined });
  });

  it('attaches options.context, as TOON by default', () => {
    const { prompt, encoding } = preparePrompt('Who?', resolveOptions({ context: users }), true);
    expect(prompt.startsWith('Who?\n\n')).toBe(true);
    expect(decodeContextBlock(prompt)).toEqual({ format: 'toon', context: users });
    expect(encoding?.format).toBe('toon');
  });

  it('follows CCFLOW_TOON_ENABLED (toonEnabled) when toon.enabled is unset, and toon.enabled over it', () => {
    const off = preparePrompt('Who?', resolveOptions({ context: users }), false);
    expect(decodeContextBlock(off.prompt)?.format).toBe('json');
    const on = preparePrompt('Who?', resolveOptions({ context: users, toon: { enabled: true } }), false);
    expect(decodeContextBlock(on.prompt)?.format).toBe('toon');
    const json = preparePrompt('Who?', resolveOptions({ context: users, toon: { enabled: false } }), true);
    expect(decodeContextBlock(json.prompt)?.format).toBe('json');
  });

  it.each(['', ' ', '\n\t  \n'])('refuses a blank prompt (%j)', (prompt) => {
    expect(() => preparePrompt(prompt, resolveOptions(), true)).toThrow(ConfigurationError);
    expect(() => preparePrompt(prompt, resolveOptions(), true)).toThrow(
      /^prompt: is empty or only whitespace/,
    );
  });

  it('takes a blank prompt with a context: the context is the question', () => {
    const { prompt } = preparePrompt('', resolveOptions({ context: users }), true);
    expect(decodeContextBlock(prompt)?.context).toEqual(users);
  });

  it.each([null, undefined, 42, { text: 'hi' }])('refuses a prompt that is not a string (%j)', (prompt) => {
    expect(() => preparePrompt(prompt, resolveOptions(), true)).toThrow(/^prompt: must be a string/);
  });
});

describe('preparePrompt with content blocks', () => {
  const image = {
    type: 'image',
    source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' },
  } as const;

  it('keeps the blocks, and adds the context as a last text block', () => {
    const blocks = [{ type: 'text', text: 'What is in it?' } as const, image];
    expect(preparePrompt(blocks, resolveOptions(), true).prompt).toEqual(blocks);
    const { prompt, encoding } = preparePrompt(blocks, resolveOptions({ context: users }), true);
    expect(prompt.slice(0, 2)).toEqual(blocks);
    const last = (prompt as unknown as { text: string }[])[2]!;
    expect(decodeContextBlock(last.text)?.context).toEqual(users);
    expect(encoding?.format).toBe('toon');
  });

  it('takes an image alone, but not blocks without anything to ask', () => {
    expect(preparePrompt([image], resolveOptions(), true).prompt).toEqual([image]);
    expect(() => preparePrompt([{ type: 'text', text: ' ' }], resolveOptions(), true)).toThrow(
      /^prompt: is empty/,
    );
  });

  it.each([
    [[], /^prompt: has no content blocks/],
    [[{ type: 'video', url: 'x' }], /^prompt\.0\.type: /],
    [[{ type: 'text' }], /^prompt\.0\.text: /],
    [
      [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'x' } }],
      /^prompt\.0\.source\.media_type: /,
    ],
    [[{ type: 'text', text: 'hi', cache_control: {} }], /^prompt\.0: /],
  ])('refuses invalid blocks (%j), naming where', (blocks, message) => {
    expect(() => preparePrompt(blocks, resolveOptions(), true)).toThrow(message);
  });
});
