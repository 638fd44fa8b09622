import { ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { toJobData } from './job-data.ts';

const refusal = (options: object) => {
  try {
    toJobData({ prompt: 'x', options }, {});
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('toJobData', () => {
  it('takes a settings string without a secret however it is formatted', () => {
    for (const settings of ['{"model":"x"}', '{ "model": "x" }', '{\n  "model": "x"\n}\n'])
      expect(toJobData({ prompt: 'x', options: { settings } }, {}).options).toEqual({ settings });
  });

  it('refuses a settings string that holds a secret, formatted or not', () => {
    for (const settings of [
      '{"env":{"GITHUB_TOKEN":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}}',
      '{ "env": { "GITHUB_TOKEN": "ghp_abcdefghijklmnopqrstuvwxyz0123456789" } }',
    ]) {
      const error = refusal({ settings });
      expect(ConfigurationError.isInstance(error), String(error)).toBe(true);
      expect(String(error)).toContain('options.settings');
    }
  });

  it('refuses an unknown option as every entry point does, naming the nearest one', () => {
    const error = refusal({ maxBudgetUSD: 1 });
    expect(ConfigurationError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toContain('maxBudgetUsd');
  });
});
