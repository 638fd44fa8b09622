import { ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { spawnKey } from './spawn-key.ts';

describe('spawnKey', () => {
  it('is the same for options that start the same CLI: defaults applied, per-turn options and key order ignored', () => {
    const key = spawnKey({ model: 'haiku', cwd: '/w' });
    expect(spawnKey({ cwd: '/w', model: 'haiku', strict: false })).toBe(key);
    expect(spawnKey({ model: 'haiku', cwd: '/w', timeoutMs: 5, idleTimeoutMs: 9, context: { a: 1 } })).toBe(
      key,
    );
    expect(spawnKey({ model: 'haiku', cwd: '/w', toon: { delimiter: '|' } })).toBe(key);
  });

  it('differs for anything fixed at start-up, model and permission mode included', () => {
    const base = spawnKey({});
    for (const options of [
      { model: 'haiku' },
      { permissionMode: 'plan' as const },
      { systemPrompt: 'x' },
      { allowedTools: ['Read'] },
      { env: { A: '1' } },
      { cwd: '/elsewhere' },
      { settingSources: ['user' as const] },
      { redaction: { patterns: [/secret-\d+/] } },
    ]) {
      expect(spawnKey(options), JSON.stringify(options)).not.toBe(base);
    }
    expect(spawnKey({ redaction: { patterns: [/a/] } })).not.toBe(
      spawnKey({ redaction: { patterns: [/b/] } }),
    );
  });

  it('is undefined (a process of its own) for a request naming a CLI session or bringing host callbacks', () => {
    expect(spawnKey({ sessionId: '0f0e0d0c-0b0a-4909-8807-060504030201' })).toBeUndefined();
    expect(spawnKey({ resume: 'abc' })).toBeUndefined();
    expect(spawnKey({ continueSession: true })).toBeUndefined();
    expect(
      spawnKey({}, { canUseTool: async () => ({ behavior: 'allow', updatedInput: {} }) }),
    ).toBeUndefined();
    expect(spawnKey({}, { onStderr: () => {} })).toBeUndefined();
    expect(spawnKey({}, {})).toBe(spawnKey({}));
  });

  it('keeps no secret in the key', () => {
    expect(spawnKey({ env: { ANTHROPIC_API_KEY: 'sk-ant-very-secret' } })).not.toContain('secret');
  });

  it('refuses bad options', () => {
    expect(() => spawnKey({ modle: 'x' } as never)).toThrow(ConfigurationError);
  });
});
