import { describe, expect, it } from 'vitest';
import { liveChanges } from './live-changes.ts';

describe('liveChanges', () => {
  it('needs nothing when only what ccflow applies per turn, or which CLI session to run, differs', () => {
    const running = { model: 'sonnet', sessionId: '00000000-0000-4000-8000-000000000001', timeoutMs: 1000 };
    const next = { model: 'sonnet', resume: 'x', timeoutMs: 5000, idleTimeoutMs: 10, context: { a: 1 } };
    expect(liveChanges(running, next)).toEqual([]);
  });

  it('changes the model and the permission mode by control request', () => {
    expect(liveChanges({ model: 'sonnet' }, { model: 'haiku', permissionMode: 'plan' })).toEqual([
      { subtype: 'set_permission_mode', mode: 'plan' },
      { subtype: 'set_model', model: 'haiku' },
    ]);
  });

  it('respawns for an option the CLI takes at start-up, or a model or permission mode taken back to unset', () => {
    expect(liveChanges({ systemPrompt: 'a' }, { systemPrompt: 'b' })).toBe('respawn');
    expect(liveChanges({}, { allowedTools: ['Read'] })).toBe('respawn');
    expect(liveChanges({ env: { A: '1' } }, { env: { A: '2' } })).toBe('respawn');
    expect(liveChanges({ permissionMode: 'plan' }, {})).toBe('respawn');
    expect(liveChanges({ model: 'haiku' }, {})).toBe('respawn');
  });

  it('treats an option given as undefined as unset, and compares values, not identity', () => {
    expect(liveChanges({ maxTurns: undefined, allowedTools: ['Read'] }, { allowedTools: ['Read'] })).toEqual(
      [],
    );
  });
});
