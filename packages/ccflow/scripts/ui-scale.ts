/**
 * `ccflow ui` at scale: fills a temporary store with 100k sessions (two traces each; `UI_SCALE_SESSIONS` to
 * change), starts the ui on it, and measures each main page: the server's time (request to last byte, median
 * of 5) and Chromium's load time (navigation start to the load event, median of 3). Prints a Markdown table.
 *
 *   pnpm --filter ccflow ui:scale
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startUiServer } from '../src/ui/server.ts';
import { fillCreatedAt, fillSessionId, fillStore, SPAN_DAYS } from './fill-store.ts';

const sessions = Number(process.env.UI_SCALE_SESSIONS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'ccflow-ui-scale-'));
const db = join(dir, 'ccflow.db');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

try {
  let t = performance.now();
  // The sessions of the last 90 days, so the usage page's range holds all of them.
  const start = Date.now() - SPAN_DAYS * 86_400_000;
  fillStore(db, sessions, 2, start);
  console.log(
    `filled ${sessions} sessions, ${2 * sessions} traces in ${((performance.now() - t) / 1000).toFixed(1)} s ` +
      `(${(statSync(db).size / 1e6).toFixed(0)} MB)`,
  );
  // Page 500 of the unfiltered list: the cursor is the last session of page 499 (50 a page, newest first).
  const deep = sessions - 1 - 499 * 50;
  const deepCreated = fillCreatedAt(deep, sessions, start);
  const day = (offset: number) => new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
  const pages: Array<[string, string]> = [
    ['Projects tree with totals', '/'],
    ['Sessions, page 1', '/sessions'],
    ['Sessions, page 500', `/sessions?after=${deepCreated}~${fillSessionId(deep)}`],
    ['Sessions, status + model', '/sessions?status=error&model=claude-opus-4-1'],
    ['Sessions, tag + dates', `/sessions?tag=prod&from=${day(30)}&to=${day(45)}`],
    ['Sessions, one project', '/sessions?project=project-7'],
    ['Session (2 traces)', `/sessions/${fillSessionId(4242)}`],
    ['Trace (tool call, message stream)', `/traces/${fillSessionId(4240)}-t1`],
    [`Cost and tokens, 90 days (all ${2 * sessions} traces)`, '/usage?days=90'],
    ['Cost and tokens, 7 days', '/usage?days=7'],
    ['Search, 50 newest hits', '/search?q=module+42'],
    ['Search, no hit (scans every trace)', '/search?q=no+such+text'],
  ];
  t = performance.now();
  const server = await startUiServer({ dbPath: db, port: 0 });
  console.log(`server started in ${(performance.now() - t).toFixed(0)} ms`);
  const executablePath = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  const browser = await chromium.launch({ executablePath });
  const page = await browser.newPage();
  const rows: string[] = [];
  for (const [name, path] of pages) {
    const url = new URL(path, server.url).toString();
    const serverMs: number[] = [];
    let status = 0;
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await fetch(url);
      await res.text();
      serverMs.push(performance.now() - start);
      status = res.status;
    }
    const loadMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(url, { waitUntil: 'load' });
      loadMs.push(
        await page.evaluate(
          'performance.getEntriesByType("navigation")[0].loadEventEnd - performance.getEntriesByType("navigation")[0].startTime',
        ),
      );
    }
    if (status !== 200) throw new Error(`${path}: HTTP ${status}`);
    rows.push(
      `| ${name} | \`${path.length > 40 ? `${path.slice(0, 40)}…` : path}\` | ${median(serverMs).toFixed(0)} | ${median(loadMs).toFixed(0)} |`,
    );
  }
  await browser.close();
  await server.close();
  console.log('\n| Page | Path | Server (ms) | Browser load (ms) |\n|---|---|--:|--:|');
  console.log(rows.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
