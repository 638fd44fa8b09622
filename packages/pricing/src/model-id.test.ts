import { describe, expect, it } from 'vitest';
import { modelKey, normalizeModelName, parseModelId } from './model-id.ts';

const key = (name: string) => {
  const parts = parseModelId(name);
  return parts && modelKey(parts);
};

describe('parseModelId', () => {
  it('reduces every spelling of a model to one key', () => {
    const sonnet45 = [
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'CLAUDE-SONNET-4-5',
      ' claude-sonnet-4-5 ',
      'claude-sonnet-4-5[1m]',
      'claude-sonnet-4.5',
      'claude-sonnet-4-5@20250929',
      'claude-sonnet-4-5-v1@20250929',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic/claude-sonnet-4.5',
      'arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5-latest',
      'claude-sonnet-4-5-fast',
    ];
    for (const name of sonnet45) expect(key(name), name).toBe('claude-sonnet-4-5');
  });

  it('treats a missing minor version as zero and keeps version-first ids apart', () => {
    expect(key('claude-opus-4')).toBe('claude-opus-4-0');
    expect(key('claude-opus-4-20250514')).toBe('claude-opus-4-0');
    expect(key('claude-sonnet-5')).toBe('claude-sonnet-5-0');
    expect(key('claude-3-5-sonnet-20241022')).toBe('claude-3-5-sonnet');
    expect(key('claude-3-5-sonnet-v2@20241022')).toBe('claude-3-5-sonnet');
    expect(key('claude-3-haiku')).toBe('claude-3-0-haiku');
    expect(parseModelId('claude-3-5-haiku')).toMatchObject({
      family: 'haiku',
      major: 3,
      minor: 5,
      versionFirst: true,
    });
  });

  it('keeps the context tag, which selects a context window, not a price', () => {
    expect(parseModelId('claude-opus-4-6[1m]')?.contextTag).toBe('1m');
    expect(normalizeModelName('Sonnet[1M]')).toEqual({ name: 'sonnet', contextTag: '1m' });
    expect(normalizeModelName('sonnet')).toEqual({ name: 'sonnet', contextTag: undefined });
  });

  it('is not a model for anything else: no guessing from substrings', () => {
    for (const name of [
      '',
      'sonnet',
      'gpt-4o',
      'claude',
      'claude-mythos-preview',
      'claude-opus-4-6-custom',
      'my-claude-opus-4-6',
      'claude-opus-4-6 x',
      'xx.anthropic.claude-opus-4-6',
      'claude-opus-123',
    ]) {
      expect(parseModelId(name), name).toBeUndefined();
    }
  });
});
