import { CliExecutor } from '@ccflow/core';
import type { Message, ResultMessage } from '@ccflow/parser';
import { ClaudeSandbox, MessagesApiStandIn, reply, type UsageSpec } from '@ccflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../src/calculate-cost.ts';
import { UnknownModelError } from '../src/errors.ts';
import type { PricingOptions, TokenUsage } from '../src/model-pricing.ts';
import { Money } from '../src/money.ts';
import { DEFAULT_PRICE_TABLE } from '../src/price-table.ts';
import { UsageStats } from '../src/usage-stats.ts';
import { withUsageTracking } from '../src/usage-tracking-executor.ts';
import { WarmClaude } from './warm-claude.ts';

/**
 * ccflow's prices against the real CLI's (pinned 2.1.332): for every model the CLI resolves, one turn whose API
 * call reports known token counts (input, output, cache reads, 5-minute and 1-hour cache writes), and the CLI's
 * `costUSD` for it must equal `costOf` to the picodollar (so to the microdollar too). All turns share one warm CLI
 * process switched between models with `set_model` (~0.1 s a turn); one more cold run checks the usage-tracking
 * executor on a real two-call turn.
 */

let claude: WarmClaude;

beforeAll(async () => {
  claude = await WarmClaude.start();
});

afterAll(async () => {
  await claude?.close();
});

/** The API's usage for `u`, as the stand-in sends it. */
function apiUsage(u: TokenUsage, extra: Partial<UsageSpec> = {}): Partial<UsageSpec> {
  const writes = u.cacheWriteTokens ?? 0;
  const oneHour = u.cacheWrite1hTokens ?? 0;
  return {
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_read_input_tokens: u.cacheReadTokens ?? 0,
    cache_creation_input_tokens: writes,
    cache_creation: { ephemeral_5m_input_tokens: writes - oneHour, ephemeral_1h_input_tokens: oneHour },
    server_tool_use: { web_search_requests: u.webSearchRequests ?? 0 },
    ...extra,
  };
}

/** Token counts for the i-th model: every kind present, distinct per model, the prompt under every tier (100k). */
function mixedUsage(i: number): TokenUsage {
  return {
    inputTokens: 12_345 + 101 * i,
    outputTokens: 2_345 + 7 * i,
    cacheReadTokens: 34_567 + 13 * i,
    cacheWriteTokens: 23_456 + 17 * i,
    cacheWrite1hTokens: 7_891 + 3 * i,
  };
}

interface Priced {
  /** The model the CLI says it ran (set_model's answer). */
  runsAs: string;
  /** The modelUsage key, the id the CLI priced it as, and the price table it used. */
  key: string;
  canonicalModel: string;
  costBasis: string;
  costUSD: number;
}

/** Switches to `model` and runs one turn whose single API call reports `usage`. */
async function priceTurn(model: string, usage: TokenUsage, extra: Partial<UsageSpec> = {}): Promise<Priced> {
  const runsAs = await claude.setModel(model);
  const result = await claude.turn(apiUsage(usage, extra));
  const entries = Object.entries(result.model_usage_since_last_result ?? {}) as [string, any][];
  expect(entries, `${model}: one model priced in the turn`).toHaveLength(1);
  const [key, e] = entries[0]!;
  return { runsAs, key, canonicalModel: e.canonicalModel, costBasis: e.costBasis, costUSD: e.costUSD };
}

/** The CLI's float equals ccflow's exact amount to the picodollar, and so to the microdollar. */
function expectSameCost(cli: number, ours: Money, label: string): void {
  expect(Money.nearest(cli).picodollars, label).toBe(ours.picodollars);
  // At an exact half microdollar the CLI's binary float may fall either side; the picodollars above already agree.
  if (ours.picodollars % 1_000_000n !== 500_000n)
    expect(Math.round(cli * 1e6), label).toBe(ours.microdollars);
}

/** A spelling of each model other than its bare id, so resolution is checked on the way. */
const SPELLINGS: ((id: string, apiId: string | undefined) => string)[] = [
  (id) => id,
  (id, apiId) => apiId ?? id,
  (id) => `${id}[1m]`,
  (id, apiId) => `us.anthropic.${apiId ?? id}-v1:0`,
  (id) => `${id}-latest`,
  (id) => id.replace(/-(\d)-(\d)$/, '-$1.$2'),
  (id) => id.toUpperCase(),
];

describe('model resolution agrees with the CLI', () => {
  it('resolves every alias the CLI accepts to the model the CLI runs', async () => {
    const aliases = Object.keys(DEFAULT_PRICE_TABLE.aliases);
    expect(aliases.sort()).toEqual(['best', 'default', 'fable', 'haiku', 'opus', 'opusplan', 'sonnet']);
    for (const alias of [...aliases, 'sonnet[1m]', 'opus[1m]', 'fable[1m]']) {
      const runsAs = await claude.setModel(alias);
      expect(DEFAULT_PRICE_TABLE.resolve(alias)?.id, alias).toBe(runsAs);
    }
  });
});

describe('every model the CLI prices costs the same in ccflow, to the picodollar', () => {
  const entries = DEFAULT_PRICE_TABLE.entries();

  for (const [i, entry] of entries.entries()) {
    // Opus 4 and 4.1 by their Bedrock ids: by their Claude API ids the CLI runs Opus 5.5 instead (tested below).
    const retiredOpus = entry.id === 'claude-opus-4-0' || entry.id === 'claude-opus-4-1';
    const spelling = retiredOpus
      ? `us.anthropic.${entry.apiId}-v1:0`
      : SPELLINGS[i % SPELLINGS.length]!(entry.id, entry.apiId);
    it(`${entry.id} (as ${spelling})`, async () => {
      const usage = mixedUsage(i);
      const cli = await priceTurn(spelling, usage);
      expect(cli.costBasis).toBe('list');
      expect(DEFAULT_PRICE_TABLE.resolve(spelling)?.id).toBe(entry.id);
      expect(DEFAULT_PRICE_TABLE.resolve(cli.key)?.id).toBe(cli.canonicalModel);
      expect(cli.canonicalModel).toBe(entry.id);
      expectSameCost(cli.costUSD, costOf(spelling, usage), spelling);
    });
  }

  it('Opus 4 and 4.1 (retired on the Claude API): the CLI runs Opus 5.5 in their place, and prices that', async () => {
    for (const model of ['claude-opus-4-1', 'claude-opus-4-0', 'claude-opus-4-20250514']) {
      const usage = mixedUsage(50);
      const cli = await priceTurn(model, usage);
      expect(cli.runsAs, model).toBe('claude-opus-5-5');
      expect(cli.key).toBe('claude-opus-5-5');
      expect(cli.canonicalModel).toBe('claude-opus-5-5');
      expectSameCost(cli.costUSD, costOf(cli.runsAs, usage), model);
      // The table keeps their list price, $15/$75, for the platforms that still serve them.
      expect(DEFAULT_PRICE_TABLE.pricing(model).inputPerMillion).toBe(15);
    }
  });

  it('fast mode: fast rates for the models that have them, standard for the others', async () => {
    const fast = entries.filter((e) => e.pricing.hasFastRates).map((e) => e.id);
    expect(fast.sort()).toEqual([
      'claude-fable-5-2',
      'claude-mythos-5-2',
      'claude-opus-4-6',
      'claude-opus-4-7',
      'claude-opus-4-8',
      'claude-opus-5',
      'claude-opus-5-5',
    ]);
    for (const [i, model] of [...fast, 'claude-sonnet-5-5'].entries()) {
      const usage = mixedUsage(100 + i);
      const cli = await priceTurn(model, usage, { speed: 'fast' });
      expectSameCost(cli.costUSD, costOf(model, usage, { speed: 'fast' }), `${model} fast`);
    }
  });

  it('US-only inference at 1.1 times, and web searches at $0.01', async () => {
    const usage = { ...mixedUsage(200), webSearchRequests: 3 };
    const options: PricingOptions = { inferenceGeo: 'us' };
    const cli = await priceTurn('claude-opus-4-8', usage, { inference_geo: 'us' });
    expectSameCost(cli.costUSD, costOf('claude-opus-4-8', usage, options), 'opus 4.8 in the US');
  });

  it('unknown models: the CLI guesses at its default model’s rates, ccflow refuses to guess', async () => {
    for (const model of ['claude-foo-9', 'mythos', 'claude-3-haiku']) {
      const cli = await priceTurn(model, mixedUsage(300));
      expect(cli.costBasis, model).toBe('unknown');
      // The guess: the default model's (Opus 5.5) rates.
      expectSameCost(cli.costUSD, costOf('claude-opus-5-5', mixedUsage(300)), model);
      expect(() => costOf(model, mixedUsage(300))).toThrow(UnknownModelError);
    }
  });

  // Long prompts last: a large context carried into a model with a small window would make the CLI compact.
  it('Haiku 5.5 above 100k prompt tokens: the long-prompt rates on every token', async () => {
    const usage = {
      inputTokens: 60_000,
      outputTokens: 1_234,
      cacheReadTokens: 30_000,
      cacheWriteTokens: 20_001,
      cacheWrite1hTokens: 5_003,
    };
    const cli = await priceTurn('haiku', usage);
    expectSameCost(cli.costUSD, costOf('haiku', usage), 'haiku long prompt');
    expect(costOf('haiku', usage).picodollars).toBeGreaterThan(
      costOf('haiku', usage, { longPrompt: false }).picodollars,
    );
  });

  it('Sonnet 4.5 above 200k prompt tokens: where the CLI and the list differ (the list is right)', async () => {
    const usage = {
      inputTokens: 150_000,
      outputTokens: 1_234,
      cacheReadTokens: 60_000,
      cacheWriteTokens: 10_001,
      cacheWrite1hTokens: 3,
    };
    const cli = await priceTurn('claude-sonnet-4-5[1m]', usage);
    // The CLI prices the request at the standard rates...
    expectSameCost(
      cli.costUSD,
      costOf('claude-sonnet-4-5', usage, { longPrompt: false }),
      'sonnet 4.5 as the CLI prices it',
    );
    // ...ccflow at the long-context rates Anthropic bills ($6/$22.50 and caching multipliers on top).
    const ours = costOf('claude-sonnet-4-5', usage);
    expect(ours.toString()).toBe('$1.038786');
    expect(ours.usd).toBeGreaterThan(cli.costUSD);
  });
});

describe('withUsageTracking on the real CLI', () => {
  let api: MessagesApiStandIn;
  let box: ClaudeSandbox;

  beforeAll(async () => {
    api = await MessagesApiStandIn.start();
    box = new ClaudeSandbox({ baseUrl: api.url });
  });

  afterAll(async () => {
    box?.close();
    await api?.close();
  });

  it('adds a two-call turn to the tracker at the CLI’s own figure', async () => {
    const first = mixedUsage(400);
    const second = mixedUsage(401);
    api.enqueue(
      reply.toolUse('Bash', { command: 'echo priced', description: 'x' }, { usage: apiUsage(first) }),
      reply.text('done', { usage: apiUsage(second) }),
    );
    const tracker = new UsageStats();
    const executor = withUsageTracking(new CliExecutor({ cliPath: box.cliPath, env: box.env }), tracker, {
      metrics: false,
    });
    const messages: Message[] = [];
    for await (const m of executor.execute({
      prompt: 'run it',
      options: { model: 'opus', cwd: box.cwd, allowedTools: ['Bash'] },
    })) {
      messages.push(m);
    }
    const result = messages.at(-1) as ResultMessage;
    expect(result).toMatchObject({ type: 'result', isError: false, result: 'done' });
    expect(api.messageRequests.filter((r) => r.body?.stream === true)).toHaveLength(2);

    const both = costOf('opus', first).plus(costOf('opus', second));
    expectSameCost(result.totalCostUsd, both, 'the turn');
    expect(tracker.totalCost.picodollars).toBe(both.picodollars);
    expect(tracker.model('opus')).toMatchObject({
      requests: 1,
      inputTokens: first.inputTokens + second.inputTokens,
      cacheWrite1hTokens: first.cacheWrite1hTokens! + second.cacheWrite1hTokens!,
      priced: true,
    });
    expect(tracker.model('opus')?.reportedCost?.picodollars).toBe(both.picodollars);
  });
});
