import { describe, expect, it } from 'vitest';
import { MockExecutor } from './mock-executor.ts';
import { MOCK_SESSION_ID, mockLines } from './mock-lines.ts';

const drain = async (stream: AsyncIterable<{ type: string }>) => {
  const types: string[] = [];
  for await (const message of stream) types.push(message.type);
  return types;
};
const turn = (text: string) => [mockLines.init(), mockLines.text(text), mockLines.result({ result: text })];

describe('MockExecutor', () => {
  it('plays its runs in order through the real parser, and records every request', async () => {
    const mock = new MockExecutor([turn('one')]).enqueue(turn('two'));
    expect(mock.pending).toBe(2);
    const messages = [];
    for await (const m of mock.execute({ prompt: 'a', options: { model: 'haiku' } })) messages.push(m);
    expect(messages.map((m) => m.type)).toEqual(['system', 'assistant', 'text', 'result']);
    expect(messages.at(-1)).toMatchObject({ type: 'result', result: 'one', sessionId: MOCK_SESSION_ID });
    expect(await drain(mock.execute({ prompt: 'b' }))).toContain('result');
    expect(mock.requests).toEqual([{ prompt: 'a', options: { model: 'haiku' } }, { prompt: 'b' }]);
    expect(mock.pending).toBe(0);
  });

  it('throws, naming the request, when no run is left', async () => {
    const mock = new MockExecutor();
    await expect(drain(mock.execute({ prompt: 'x' }))).rejects.toThrow(/no scripted run left for request #1/);
  });

  it('throws a run’s error after its lines', async () => {
    const failure = new Error('crashed');
    const mock = new MockExecutor([{ lines: [mockLines.init()], thenThrow: failure }]);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const m of mock.execute({ prompt: 'x' })) seen.push(m.type);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual(['system']);
  });

  it('stops between messages when the signal aborts, with its reason', async () => {
    const controller = new AbortController();
    const mock = new MockExecutor([{ lines: turn('slow'), delayMs: 5 }]);
    const seen: string[] = [];
    const reason = new Error('stop');
    await expect(
      (async () => {
        for await (const m of mock.execute({ prompt: 'x', signal: controller.signal })) {
          seen.push(m.type);
          controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toEqual(['system']);
  });

  it('computes a run from the request when given a function', async () => {
    const mock = new MockExecutor([
      async function* (request) {
        yield* new MockExecutor([turn(`echo: ${request.prompt}`)]).execute(request);
      },
    ]);
    const messages = [];
    for await (const m of mock.execute({ prompt: 'hi' })) messages.push(m);
    expect(messages.at(-1)).toMatchObject({ type: 'result', result: 'echo: hi' });
  });

  it("claims the CLI's capabilities unless told otherwise, and does not change the scripted lines", async () => {
    expect(new MockExecutor().capabilities).toEqual({ resume: true, tools: true, host: true });
    const apiOnly = { resume: false, tools: false, host: false };
    expect(new MockExecutor([], apiOnly).capabilities).toBe(apiOnly);
    const lines = turn('same');
    const before = structuredClone(lines);
    await drain(new MockExecutor([lines]).execute({ prompt: 'x' }));
    expect(lines).toEqual(before);
  });
});
