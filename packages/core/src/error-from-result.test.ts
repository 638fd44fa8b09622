import { readFileSync } from 'node:fs';
import { type Message, parseTranscript, type ResultMessage } from '@ccflow/parser';
import { type FixtureName, fixturePath } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import {
  CliAuthenticationError,
  CliExecutionError,
  SessionNotFoundError,
  UsageLimitError,
} from './errors.ts';
import { errorFromResult } from './query-result.ts';

// Transcripts recorded from the real CLI (@ccflow/testing's fixtures).
const transcript = (name: FixtureName): Message[] => parseTranscript(readFileSync(fixturePath(name)));
const resultOf = (name: FixtureName) =>
  transcript(name).find((m): m is ResultMessage => m.type === 'result')!;
const noticeOf = (name: FixtureName) => {
  for (const m of transcript(name)) if (m.type === 'assistant' && m.error !== undefined) return m.error;
  return undefined;
};

describe('errorFromResult on what the CLI prints', () => {
  it('a usage limit is UsageLimitError with the reset the CLI reported, retryable, not counted as unwell', () => {
    const event = transcript('usage-limit').find((m) => m.type === 'rate_limit_event');
    const error = errorFromResult(resultOf('usage-limit'), noticeOf('usage-limit'));
    expect(UsageLimitError.isInstance(error)).toBe(true);
    expect(CliExecutionError.isInstance(error)).toBe(true);
    const e = error as UsageLimitError;
    expect(e.code).toBe('USAGE_LIMIT');
    expect(e.resetsAt?.getTime()).toBe(event?.type === 'rate_limit_event' ? event.resetsAt : Number.NaN);
    expect(e).toMatchObject({ rateLimitType: 'five_hour', apiErrorStatus: 429, isRetryable: true });
    expect(e.message).toMatch(/^You've hit your 5-hour limit/);
  });

  it('the usage-limit result alone (no rate_limit_event seen) is UsageLimitError without a reset: not retryable', () => {
    const { rateLimit: _, ...alone } = resultOf('usage-limit');
    const e = errorFromResult(alone) as UsageLimitError;
    expect(UsageLimitError.isInstance(e)).toBe(true);
    expect(e.resetsAt).toBeUndefined();
    expect(e.isRetryable).toBe(false);
  });

  it('a resume of an id the CLI does not know is SessionNotFoundError with that id', () => {
    const e = errorFromResult(resultOf('resume-missing'));
    expect(SessionNotFoundError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({
      code: 'SESSION_NOT_FOUND',
      sessionId: '00000000-0000-4000-8000-000000000000',
      message: 'No conversation found with session ID: 00000000-0000-4000-8000-000000000000',
    });
  });

  it('other failures keep their types: 401 is CliAuthenticationError, 500 a retryable CliExecutionError', () => {
    expect(CliAuthenticationError.isInstance(errorFromResult(resultOf('error-401')))).toBe(true);
    const e = errorFromResult(resultOf('error-500'));
    expect(e.constructor).toBe(CliExecutionError);
    expect(e).toMatchObject({ apiErrorStatus: 500, isRetryable: true });
    expect(errorFromResult(resultOf('max-turns')).constructor).toBe(CliExecutionError);
  });
});
