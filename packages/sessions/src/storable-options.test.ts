import { CliAgentOptionsSchema, SESSION_CONTROL_OPTIONS, StorableOptionsSchema } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { storableOptions } from './storable-options.ts';

describe('storableOptions', () => {
  it('keeps the data options and leaves out, by construction, the session control and process-local ones', () => {
    const stored = storableOptions({
      model: 'opus',
      maxTurns: 3,
      noSessionPersistence: true,
      sessionId: '00000000-0000-4000-8000-000000000001',
      resume: 'abc',
      resumeSessionAt: 'u1',
      forkSession: true,
      env: { TOKEN: 'secret-value-123' },
      redaction: { secrets: ['other-secret'] },
    });
    expect(stored).toEqual({ model: 'opus', maxTurns: 3, noSessionPersistence: true });
  });

  it('every option is in exactly one group: data, session control, or local (env, redaction)', () => {
    const all = Object.keys(CliAgentOptionsSchema.shape).sort();
    const data = Object.keys(StorableOptionsSchema.shape);
    const control: string[] = [...SESSION_CONTROL_OPTIONS];
    const local = all.filter((k) => !data.includes(k) && !control.includes(k));
    expect(local.sort()).toEqual(['env', 'redaction']);
    expect(data.filter((k) => control.includes(k))).toEqual([]);
    expect([...data, ...control, ...local].sort()).toEqual(all);
  });
});
