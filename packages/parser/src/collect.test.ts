import { describe, expect, it } from 'vitest';
import { fixture, fixtureLines } from '../test/fixtures.ts';
import {
  collectText,
  collectThinking,
  extractThinkingFromAssistant,
  extractThinkingTokens,
} from './collect.ts';
import { parseTranscript } from './parse-messages.ts';

describe('collect helpers', () => {
  it('give the same text and thinking with partial messages on and off', () => {
    const whole = parseTranscript(fixture('tool-bash'));
    const streamed = parseTranscript(fixture('tool-bash-partial'));
    expect(collectText(streamed)).toBe(collectText(whole));
    expect(collectThinking(streamed)).toBe(collectThinking(whole));
    expect(collectThinking(whole)).toBe('The user wants the date; I will run echo.');
  });

  it('extractThinkingFromAssistant reads thinking blocks of one assistant line only', () => {
    const assistants = parseTranscript(fixture('thinking')).filter((m) => m.type === 'assistant');
    expect(assistants.map(extractThinkingFromAssistant)).toEqual(['Let me think about 2+2. It is 4.', '']);
  });

  it('extractThinkingTokens takes result usage when there is a result, else the summed estimates', () => {
    const withResult = [
      { type: 'system', subtype: 'thinking_tokens', estimated_tokens: 5, estimated_tokens_delta: 5 },
      { type: 'assistant', message: { usage: { output_tokens_details: { thinking_tokens: 99 } } } },
      { type: 'result', usage: { output_tokens_details: { thinking_tokens: 40 } } },
      { type: 'result', usage: { output_tokens_details: { thinking_tokens: 2 } } },
    ];
    expect(extractThinkingTokens(withResult)).toBe(42);
    expect(extractThinkingTokens(withResult.slice(0, 2))).toBe(5);
    expect(extractThinkingTokens([null, 3, 'x', { type: 'result' }])).toBe(0);
    const lines = fixtureLines('thinking-partial');
    const estimates = lines.filter((l) => l.subtype === 'thinking_tokens');
    expect(extractThinkingTokens(estimates)).toBe(estimates.at(-1)?.estimated_tokens);
  });
});
