/**
 * Records the kit's fixtures from the real `claude` CLI talking to the loopback stand-in.
 * Run: pnpm --filter @ccflow/testing record-fixtures [name...]  (rewrites fixtures/*.ndjson)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario, scenarios } from './scenarios.ts';

const outDir = join(import.meta.dirname, '..', 'fixtures');
const only = process.argv.slice(2);

for (const [name, s] of Object.entries(scenarios)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const run = await runScenario(s);
  writeFileSync(join(outDir, `${name}.ndjson`), run.stdout);
  console.log(`${name}: exit ${run.exitCode}, ${run.lines} lines, ${run.requests} requests`);
}
