import {
  CliExecutor,
  decodeContextBlock,
  query,
  querySimple,
  type ToonConfig,
  ToonConfigSchema,
  withContext,
} from '@ccflow/core';
import { type MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../src/session.ts';

// A turn's context as the model receives it through the real CLI, by every route (`query`, `querySimple`,
// `Session`): what the stand-in recorded holds the block once and decodes back to the original. Four CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;
let api: MessagesApiStandIn;

beforeAll(() => {
  ({ api } = sandbox);
  executor = new CliExecutor(sandbox.executorOptions);
});

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

const question = 'Which user is the admin? Answer with the name only.';

/** What the model received for `question` with the context, sent by `route`; the block must be there once. */
async function send(
  toon: ToonConfig,
  route: (options: { context: typeof context; toon: ToonConfig }) => Promise<string>,
) {
  const { prompt, encoding } = withContext(question, context, toon);
  api.enqueue(reply.text('Ada'));
  expect(await route({ context, toon })).toBe('Ada');
  const texts = userTexts(api.messageRequests, prompt);
  // Verbatim: the CLI adds a <system-reminder> block before it but changes nothing in it.
  expect(texts).toContain(prompt);
  expect(texts.join('\n').match(/<context format=/g)).toHaveLength(1);
  return { received: texts.map(decodeContextBlock).find((d) => d !== undefined), encoding };
}

const viaQuery = async (options: object) => {
  let text = '';
  for await (const m of query(question, options, { executor })) if (m.type === 'text') text += m.content;
  return text;
};

describe('the context block through the real CLI', () => {
  it('query, TOON: what the model received decodes back to the original context', async () => {
    const { received, encoding } = await send(ToonConfigSchema.parse({ delimiter: '\t' }), viaQuery);
    expect(received).toEqual({ format: 'toon', context });
    expect(encoding?.ratio).toBeLessThan(1);
  });

  it('querySimple, JSON when TOON is off: the same round trip', async () => {
    const viaQuerySimple = async (options: object) =>
      String(await querySimple(question, options, { executor }));
    const { received, encoding } = await send(ToonConfigSchema.parse({ enabled: false }), viaQuerySimple);
    expect(received).toEqual({ format: 'json', context });
    expect(encoding?.ratio).toBe(1);
  });

  it('Session with options.context: the block once, and its savings counted', async () => {
    const session = new Session({ executor, options: { context } });
    const viaSession = async () => {
      let text = '';
      for await (const m of session.sendMessage(question)) if (m.type === 'text') text += m.content;
      return text;
    };
    const { received, encoding } = await send(ToonConfigSchema.parse({}), viaSession);
    expect(received).toEqual({ format: 'toon', context });
    expect(session.toonSavings.toJSON()).toMatchObject({ count: 1, chars: encoding!.chars });
  });
});
