import { type Command, Option } from 'commander';
import { COST_GROUPS, type CostGroup, type CostTotals, costReport } from './cost-report.ts';
import { dollars } from './format.ts';
import { type CliIO, colours, table } from './output.ts';
import { dbOption } from './store-path.ts';
import { listAll, withStores } from './store-set.ts';
import { timeOption } from './time-option.ts';

/** How many rows of each group the summary (no `--by`) shows. */
const SUMMARY_ROWS = 5;

const HEADERS: Record<CostGroup, string> = {
  model: 'MODEL',
  day: 'DAY',
  project: 'PROJECT',
  session: 'SESSION',
};

/**
 * `ccflow cost`: what the stored traces cost, in total and by model, day, project or session. Beside the CLI's own
 * figure (what it reported for each turn), the same tokens priced with ccflow's price table (`@ccflow/pricing`),
 * shown where the two differ.
 */
export function costCommand(program: Command, io: CliIO, done: (code: number) => void): void {
  const env = io.env ?? process.env;
  const out = (text: string) => io.stdout.write(text);
  const bold = colours(io.stdout, env).bold;
  program
    .command('cost')
    .description(
      "what the stored traces cost: the CLI's figure and ccflow's price table's, by model, day, project or session",
    )
    .addOption(
      new Option('--by <group>', 'one grouping, in full (default: a summary of all four)').choices(
        COST_GROUPS,
      ),
    )
    .option(
      '--since <time>',
      'traces created at or after: ISO date or time, or a time ago (7d, 12h)',
      timeOption('since'),
    )
    .option(
      '--until <time>',
      'traces created at or before: ISO date or time, or a time ago',
      timeOption('until'),
    )
    .addOption(dbOption())
    .option('--json', 'one JSON object')
    .action(async (o: { by?: CostGroup; since?: Date; until?: Date; db?: string; json?: boolean }) => {
      const traces = await withStores(o.db, io, (s) =>
        listAll(s.traces, { after: o.since, before: o.until }),
      );
      const groups = o.by === undefined ? COST_GROUPS : [o.by];
      const { total, by } = costReport(traces, groups);
      if (o.json) {
        out(
          `${JSON.stringify({
            since: o.since?.toISOString() ?? null,
            until: o.until?.toISOString() ?? null,
            total,
            by,
          })}\n`,
        );
      } else {
        out(
          `${bold('TOTAL')}  ${total.traces} traces  ${dollars(total.cliCostUsd)}  (price table: ${priceCell(total)})\n`,
        );
        for (const group of groups) {
          const rows = by[group];
          const shown = o.by === undefined ? rows.slice(0, SUMMARY_ROWS) : rows;
          out(`\n${costTable(HEADERS[group], shown, bold)}`);
          if (shown.length < rows.length) out(`… ${rows.length - shown.length} more (--by ${group})\n`);
        }
      }
      done(0);
    });
}

function costTable(
  header: string,
  rows: (CostTotals & { key: string })[],
  bold: (s: string) => string,
): string {
  return table(
    [header, 'TRACES', 'INPUT', 'OUTPUT', 'CACHE READ', 'CACHE WRITE', 'CLI COST', 'PRICE TABLE'],
    rows.map((r) => [
      r.key,
      String(r.traces),
      String(r.inputTokens),
      String(r.outputTokens),
      String(r.cacheReadTokens),
      String(r.cacheWriteTokens),
      dollars(r.cliCostUsd),
      priceCell(r),
    ]),
    bold,
  );
}

/** The price table's figure where it differs from the CLI's; `same` where not; `unknown model` where it has none. */
function priceCell(t: CostTotals): string {
  if (t.priceTableCostUsd === null) return 'unknown model';
  return t.differs ? dollars(t.priceTableCostUsd) : 'same';
}
