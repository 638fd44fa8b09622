/**
 * Derives the per-token prices the real Claude Code CLI charges, model by model, and compares them with the ccflow
 * table: `pnpm --filter @ccflow/pricing probe-cli-prices [model ...]` (default: every table model, plus names the
 * CLI knows without a price). One warm CLI process against a loopback Messages API stand-in; for each model and
 * each token kind (input, output, cache reads, 5-minute and 1-hour cache writes), at standard and fast speed, one
 * turn whose only API call reports 10,000 tokens of that kind, so the CLI's `costUSD` is 10,000 × its rate.
 * About 20 s for the whole table. Run it when the pinned CLI changes; the table's notes record what it found.
 */
import { DEFAULT_PRICE_TABLE } from '../src/index.ts';
import { WarmClaude } from '../test/warm-claude.ts';

const TOKENS = 10_000;
const KINDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'] as const;
type Kind = (typeof KINDS)[number];

function usageOf(kind: Kind) {
  const u = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  if (kind === 'input') u.input_tokens = TOKENS;
  if (kind === 'output') u.output_tokens = TOKENS;
  if (kind === 'cacheRead') u.cache_read_input_tokens = TOKENS;
  const write = kind === 'cacheWrite' || kind === 'cacheWrite1h';
  if (write) u.cache_creation_input_tokens = TOKENS;
  return {
    ...u,
    ...(write
      ? {
          cache_creation: {
            ephemeral_5m_input_tokens: kind === 'cacheWrite' ? TOKENS : 0,
            ephemeral_1h_input_tokens: kind === 'cacheWrite1h' ? TOKENS : 0,
          },
        }
      : {}),
  };
}

const models =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        ...DEFAULT_PRICE_TABLE.ids,
        'claude-3-haiku',
        'claude-3-opus',
        'claude-3-sonnet',
        'claude-mythos-preview',
      ];

const claude = await WarmClaude.start();
const rows: string[] = [];
let differences = 0;
try {
  for (const model of models) {
    const runsAs = await claude.setModel(model);
    const found: Record<string, Record<Kind, number>> = { standard: {} as never, fast: {} as never };
    let canonical = '';
    let basis = '';
    for (const speed of ['standard', 'fast'] as const) {
      for (const kind of KINDS) {
        const result = await claude.turn({ ...usageOf(kind), speed });
        const [entry] = Object.values(result.model_usage_since_last_result ?? {}) as any[];
        canonical = entry.canonicalModel;
        basis = entry.costBasis;
        // $/MTok = costUSD / TOKENS × 10⁶, to the microdollar per million tokens.
        found[speed]![kind] = Math.round((entry.costUSD * 1e12) / TOKENS) / 1e6;
      }
    }
    const ours = DEFAULT_PRICE_TABLE.resolve(model);
    const ourRates = (speed: 'standard' | 'fast') => {
      if (!ours) return undefined;
      const p = ours.pricing;
      const per = (usage: Parameters<typeof p.cost>[0]) =>
        Math.round((p.cost(usage, { speed, longPrompt: false }).usd * 1e12) / TOKENS) / 1e6;
      return {
        input: per({ inputTokens: TOKENS, outputTokens: 0 }),
        output: per({ inputTokens: 0, outputTokens: TOKENS }),
        cacheRead: per({ inputTokens: 0, outputTokens: 0, cacheReadTokens: TOKENS }),
        cacheWrite: per({ inputTokens: 0, outputTokens: 0, cacheWriteTokens: TOKENS }),
        cacheWrite1h: per({
          inputTokens: 0,
          outputTokens: 0,
          cacheWriteTokens: TOKENS,
          cacheWrite1hTokens: TOKENS,
        }),
      };
    };
    const show = (r: Record<Kind, number> | undefined) =>
      r ? KINDS.map((k) => r[k]).join(' / ') : 'unknown';
    const cli = found.standard!;
    const cliFast = found.fast!;
    // A model the CLI runs as another (a retired one it upgrades) is compared as the model it runs.
    const compared = runsAs === model || !ours ? ourRates : () => undefined;
    const std = compared('standard');
    const fast = compared('fast');

    const same = (a: Record<Kind, number> | undefined, b: Record<Kind, number>) =>
      a !== undefined && KINDS.every((k) => a[k] === b[k]);
    const verdict =
      runsAs !== model
        ? `CLI runs ${runsAs} instead`
        : !ours
          ? `unknown to ccflow; CLI basis ${basis}`
          : same(std, cli) && same(fast, cliFast)
            ? 'agrees'
            : 'DIFFERS';
    if (verdict === 'DIFFERS') differences++;
    rows.push(
      `| ${model} | ${canonical} (${basis}) | ${show(cli)} | ${same(cli, cliFast) ? 'same' : show(cliFast)} | ` +
        `${show(ourRates('standard'))} | ${verdict} |`,
    );
    console.error(rows.at(-1));
  }
} finally {
  await claude.close();
}
console.log(
  `CLI prices in $/MTok: input / output / cache read / 5m write / 1h write (${TOKENS} tokens a turn)\n`,
);
console.log('| model | CLI priced as | CLI standard | CLI fast | ccflow standard | verdict |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\n${differences} model(s) differ.`);
