import { readFileSync } from 'node:fs';
import { parseTranscript, type RateLimitEventMessage, type ResultMessage } from '@ccflow/parser';
import { describe, expect, it } from 'vitest';
import {
  CLIAuthenticationError,
  CLIExecutionError,
  SessionNotFoundError,
  UsageLimitError,
} from './errors.ts';
import { errorFromResult } from './query-result.ts';
import { mockLines } from './test/index.ts';

const FIXTURES = new URL('../../parser/test/fixtures/', import.meta.url);
const resultOf = (line: unknown) => parseTranscript(`${JSON.stringify(line)}\n`)[0] as ResultMessage;

describe('errorFromResult', () => {
  it('a resume of an id the CLI does not know is SessionNotFoundError (the real CLI result)', () => {
    const [result] = parseTranscript(readFileSync(new URL('resume-missing.ndjson', FIXTURES)));
    const error = errorFromResult(result as ResultMessage);
    expect(error).toBeInstanceOf(SessionNotFoundError);
    expect((error as SessionNotFoundError).sessionId).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('a rejected rate_limit_event before the failed result makes it a UsageLimitError with the reset time', () => {
    const resetsAtMs = Date.now() + 3_600_000;
    const rateLimit = {
      type: 'rate_limit_event',
      status: 'rejected',
      resetsAtMs,
      rateLimitType: 'five_hour',
      raw: {},
    } as RateLimitEventMessage;
    const failed = resultOf(
      mockLines.result({ isError: true, apiErrorStatus: 429, result: 'API Error: 429' }),
    );
    const error = errorFromResult(failed, 'rate_limit', rateLimit) as UsageLimitError;
    expect(error).toBeInstanceOf(UsageLimitError);
    expect(error).toMatchObject({
      code: 'USAGE_LIMIT',
      resetsAtMs,
      limitType: 'five_hour',
      isRetryable: true,
    });
    expect(error.retryAfter).toBeGreaterThan(3590);
    // An allowed one changes nothing: a plain 429 stays what it was.
    const allowed = { ...rateLimit, status: 'allowed' };
    expect(errorFromResult(failed, 'rate_limit', allowed)).toBeInstanceOf(CLIExecutionError);
  });

  it("the CLI's usage-limit wording is a UsageLimitError, with the reset its older form appends", () => {
    const at = 1_796_353_145;
    const legacy = resultOf(
      mockLines.result({ isError: true, result: `Claude AI usage limit reached|${at}` }),
    );
    expect(errorFromResult(legacy)).toMatchObject({ code: 'USAGE_LIMIT', resetsAtMs: at * 1000 });
    const now = resultOf(mockLines.result({ isError: true, result: "You've hit your limit · resets 3pm" }));
    expect(errorFromResult(now)).toMatchObject({ code: 'USAGE_LIMIT', resetsAtMs: undefined });
  });

  it('keeps the other mappings', () => {
    const auth = resultOf(mockLines.result({ isError: true, apiErrorStatus: 401, result: 'API Error: 401' }));
    expect(errorFromResult(auth)).toBeInstanceOf(CLIAuthenticationError);
    const overloaded = resultOf(
      mockLines.result({ isError: true, apiErrorStatus: 529, result: 'API Error: 529' }),
    );
    expect(errorFromResult(overloaded)).toMatchObject({ code: 'CLI_EXECUTION', apiErrorStatus: 529 });
  });
});
