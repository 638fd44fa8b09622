import { describe, expect, it } from 'vitest';
import { promptText } from './prompt.ts';

describe('promptText', () => {
  it('is the text itself, or the text blocks joined with each image as a marker (never its data)', () => {
    expect(promptText('Hi')).toBe('Hi');
    const text = promptText([
      { type: 'text', text: 'Look:' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'SECRETPIXELS' } },
      { type: 'text', text: 'What is it?' },
    ]);
    expect(text).toBe('Look:\n\n[image]\n\nWhat is it?');
  });
});
