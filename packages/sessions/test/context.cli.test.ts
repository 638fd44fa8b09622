import { CLIExecutor, query, type ToonConfig, ToonConfigSchema } from '@ccflow/core';
import { ClaudeSandbox, MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeContextBlock, withContext } from '../src/context-block.ts';

// A turn's context as the model receives it through the real CLI: what the stand-in recorded decodes back to
// the original. Two CLI runs.

let api: MessagesApiStandIn;
let box: ClaudeSandbox;
let executor: CLIExecutor;

beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
  executor = new CLIExecutor({ cliPath: box.cliPath, env: box.env, defaultOptions: { cwd: box.cwd } });
});
afterAll(async () => {
  box.close();
  await api.close();
});
beforeEach(() => api.reset());

const context = {
  project: { name: 'ccflow', tags: ['cli', 'toon'], owner: { name: 'Zoë Ünal', email: 'zoe@example.com' } },
  users: [
    { id: 1, name: 'Ada', role: 'admin', score: 9.5 },
    { id: 2, name: 'Bob, Jr.', role: 'user', score: -3 },
    { id: 3, name: 'Chloé "C" 日本', role: 'user', score: null },
  ],
  notes: 'line one\nline two\twith a tab',
  empty: { list: [], obj: {} },
};

/** The text blocks of the last user message of the model request that carried the prompt. */
function userTexts(requests: RecordedRequest[], prompt: string): string[] {
  const carrying = requests.filter((r) => JSON.stringify(r.body.messages).includes(JSON.stringify(prompt)));
  const messages: { role: string; content: string | { type: string; text?: string }[] }[] =
    carrying.at(-1)?.body.messages ?? [];
  const last = messages.filter((m) => m.role === 'user').at(-1);
  if (last === undefined) return [];
  return typeof last.content === 'string' ? [last.content] : last.content.flatMap((b) => b.text ?? []);
}

async function send(toon: ToonConfig) {
  const { prompt, encoding } = withContext(
    'Which user is the admin? Answer with the name only.',
    context,
    toon,
  );
  api.enqueue(reply.text('Ada'));
  let text = '';
  for await (const m of query(prompt, {}, { executor })) if (m.type === 'text') text += m.content;
  expect(text).toBe('Ada');
  const texts = userTexts(api.messageRequests, prompt);
  // Verbatim: the CLI adds a <system-reminder> block before it but changes nothing in it.
  expect(texts).toContain(prompt);
  return { received: texts.map(decodeContextBlock).find((d) => d !== undefined), encoding };
}

describe('the context block through the real CLI', () => {
  it('TOON: what the model received decodes back to the original context', async () => {
    const { received, encoding } = await send(ToonConfigSchema.parse({ delimiter: '\t' }));
    expect(received).toEqual({ format: 'toon', context });
    expect(encoding?.ratio).toBeLessThan(1);
  });

  it('JSON when TOON is off: the same round trip', async () => {
    const { received, encoding } = await send(ToonConfigSchema.parse({ enabled: false }));
    expect(received).toEqual({ format: 'json', context });
    expect(encoding?.ratio).toBe(1);
  });
});
