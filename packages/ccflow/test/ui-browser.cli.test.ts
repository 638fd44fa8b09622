import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliExecutor } from '@ccflow/core';
import { SQLiteProjectStore, SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { Project, type TraceData, type TracingSession } from '@ccflow/tracing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usd } from '../src/ui/layout.ts';
import { startUi, type UiProcess } from './ui-process.ts';

// `ccflow ui` in its own process over a store filled by real traced turns (four CLI runs), driven by Debian's
// Chromium through Playwright: click through project → session → trace, an XSS attempt in a prompt and in tool
// output, live refresh while the test's process writes. Screenshots go to test/artifacts/ and docs/ui/.

const sandbox = useClaudeSandbox();
const artifacts = join(import.meta.dirname, 'artifacts');
const docs = join(import.meta.dirname, '../../../docs/ui');
const XSS_PROMPT = `<img src=x onerror="window.__xss='prompt';alert('prompt')"> What does the file say?`;
const XSS_FILE = `</script><script>window.__xss='tool';alert('tool')</script><img src=x onerror="alert('tool-img')">\n`;

let dir: string;
let db: string;
let ui: UiProcess;
let url: string;
let browser: Browser;
let page: Page;
let session: TracingSession;
let subproject: Project;
let stores: { sessions: SQLiteSessionStore; traces: SQLiteTraceStore; projects: SQLiteProjectStore };
const dialogs: string[] = [];

/** Debian's Chromium, found on PATH: never a downloaded browser. */
function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: run scripts/system-deps.sh (apt-get install chromium)');
  }
}

async function shot(name: string): Promise<void> {
  const file = join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  copyFileSync(file, join(docs, `${name}.png`));
}

const drain = async (turn: AsyncIterable<unknown>) => {
  for await (const _ of turn);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-ui-browser-'));
  db = join(dir, 'ccflow.db');
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(docs, { recursive: true });
  const executablePath = chromiumPath();
  stores = {
    sessions: new SQLiteSessionStore(db),
    traces: new SQLiteTraceStore(db),
    projects: new SQLiteProjectStore({ dbPath: db }),
  };
  const project = new Project({
    name: 'checkout-service',
    description: 'agents reviewing the checkout service',
    store: stores.projects,
    traceStore: stores.traces,
    sessionStore: stores.sessions,
    executor: new CliExecutor(sandbox.executorOptions),
  });
  await project.save();
  subproject = await project.createSubproject('payments', { description: 'replays of the review' });
  writeFileSync(join(sandbox.box.cwd, 'notes.html'), XSS_FILE);
  session = project.createSession({ allowedTools: ['Read'] }, { detailed: true, tags: ['review'] });
  sandbox.api.enqueue(
    reply.toolUse('Read', { file_path: join(sandbox.box.cwd, 'notes.html') }),
    reply.text('The notes hold one line of HTML with a script in it.'),
  );
  await drain(session.sendMessage('Read notes.html and summarise it.'));
  sandbox.api.enqueue(reply.text('It says nothing you should run.'));
  await drain(session.sendMessage(XSS_PROMPT));

  ui = await startUi(['--db', db, '--port', '0'], { ...process.env, NO_COLOR: '1' });
  url = ui.url;
  browser = await chromium.launch({ executablePath });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  ui?.kill();
  for (const s of Object.values(stores ?? {})) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ccflow ui in Chromium', () => {
  let traces: TraceData[];

  it('project → session → trace: prompt, tool call with input and result, answer, tokens and cost as recorded', async () => {
    traces = await session.getTraces();
    expect(traces).toHaveLength(2);
    const [first] = traces as [TraceData, TraceData];

    await page.goto(url);
    const row = page.locator('tr', { hasText: 'checkout-service' });
    await expect(row.locator('td.num').first().textContent()).resolves.toBe('1');
    const sessionCost = (await stores.sessions.load(session.sessionId))!.totalCostUsd;
    expect(sessionCost).toBeGreaterThan(0);
    await expect(row.locator('td.num').last().textContent()).resolves.toBe(usd(sessionCost));

    await row.getByRole('link', { name: 'checkout-service' }).click();
    await page.waitForURL(/\/sessions\?project=/);
    await expect(page.locator('#sessions tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('#sessions').textContent()).resolves.toContain('review');
    await shot('sessions');

    await page.locator('#sessions tbody a').first().click();
    await page.waitForURL(/\/sessions\/[^?]+$/);
    await expect(page.locator('#session tbody tr').count()).resolves.toBe(2);
    await shot('session');

    await page.getByRole('link', { name: 'Read notes.html and summarise it.' }).click();
    await page.waitForURL(/\/traces\//);
    await expect(page.locator('pre.prompt').textContent()).resolves.toBe('Read notes.html and summarise it.');
    await expect(page.locator('pre.answer').textContent()).resolves.toBe(first.response);
    expect(first.response).toContain('one line of HTML');
    const tool = page.locator('article.tool');
    await expect(tool.locator('h3').textContent()).resolves.toMatch(/^1\. Read /);
    await expect(tool.locator('pre').first().textContent()).resolves.toContain('notes.html');
    // The CLI's Read result (with its line numbers) holds the file's script, shown as text.
    const result = (await tool.locator('pre').nth(1).textContent()) ?? '';
    expect(result).toBe(first.toolCalls[0]?.result);
    expect(result).toContain("</script><script>window.__xss='tool'");
    await expect(page.locator('dd.cost').textContent()).resolves.toBe(usd(first.costUsd));
    await expect(page.locator('dl.facts').textContent()).resolves.toContain(
      `${first.inputTokens.toLocaleString('en-US')} in, ${first.outputTokens.toLocaleString('en-US')} out`,
    );
    await expect(page.locator('details.message').count()).resolves.toBe(first.messageStream?.length);
    await shot('trace');
  });

  it('an XSS attempt in a prompt and in tool output is shown as text and never runs', async () => {
    await page.goto(`${url}traces/${encodeURIComponent(traces[1]!.traceId)}`);
    await expect(page.locator('pre.prompt').textContent()).resolves.toBe(XSS_PROMPT);
    await page.goto(`${url}search?q=${encodeURIComponent('onerror')}`);
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.goto(`${url}traces/${encodeURIComponent(traces[0]!.traceId)}`);
    await page.waitForLoadState('load');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('a trace written while the session page is open appears without a reload', async () => {
    await page.goto(`${url}sessions/${encodeURIComponent(session.sessionId)}`);
    await page.locator('#live:not([hidden])').waitFor();
    await page.evaluate('window.__same = true');
    sandbox.api.enqueue(reply.text('Answer three: cherry.'));
    await drain(session.sendMessage('Turn three: a live one.'));
    await page.getByRole('link', { name: 'Turn three: a live one.' }).waitFor({ timeout: 10_000 });
    await expect(page.locator('#session tbody tr').count()).resolves.toBe(3);
    expect(await page.evaluate('window.__same')).toBe(true);
    expect(Number(await page.evaluate('document.body.dataset.refreshed'))).toBeGreaterThanOrEqual(1);
  });

  it('a replay run while its original trace is open appears there without a reload, and links back', async () => {
    const original = traces[0]!;
    await page.goto(`${url}traces/${encodeURIComponent(original.traceId)}`);
    await page.locator('#live:not([hidden])').waitFor();
    await expect(page.getByRole('heading', { name: 'Replays and forks (0)' }).count()).resolves.toBe(1);
    sandbox.api.enqueue(reply.text('Replayed: the notes hold HTML.'));
    const replay = await subproject.replayAsNew(original.traceId, {
      optionsOverride: { allowedTools: ['Read'] },
    });
    await page.getByRole('heading', { name: 'Replays and forks (1)' }).waitFor({ timeout: 10_000 });
    await page.locator(`a[href="/traces/${replay.trace.traceId}"]`).click();
    await page.waitForURL(/\/traces\//);
    await expect(page.locator('pre.answer').textContent()).resolves.toBe('Replayed: the notes hold HTML.');
    await expect(page.locator('dl.facts').textContent()).resolves.toMatch(/Projectpayments/);
    await page.getByRole('link', { name: 'Read notes.html and summarise it.' }).click();
    await page.waitForURL(new RegExp(`/traces/${original.traceId}$`));
  });

  it('the projects tree nests the subproject and rolls its totals up', async () => {
    await page.goto(url);
    const cost = async (id: string) =>
      (await stores.sessions.list({ projectId: id })).reduce((a, s) => a + s.totalCostUsd, 0);
    const parentRow = page.locator('tr', { hasText: 'checkout-service' });
    const childRow = page.locator('tr.depth-1', { hasText: 'payments' });
    await expect(childRow.locator('td.num').first().textContent()).resolves.toBe('1');
    await expect(childRow.locator('td.num').last().textContent()).resolves.toBe(
      usd(await cost(subproject.projectId)),
    );
    await expect(parentRow.locator('td.num').first().textContent()).resolves.toBe('2');
    await expect(parentRow.locator('td.num').last().textContent()).resolves.toBe(
      usd((await cost(session.projectId!)) + (await cost(subproject.projectId))),
    );
    await shot('projects');
  });

  it('cost and tokens by day and model, and search, show the four turns', async () => {
    const all = [
      ...(await session.getTraces()),
      ...(await stores.traces.list({ projectId: subproject.projectId })),
    ];
    const cost = all.reduce((sum, t) => sum + t.costUsd, 0);
    await page.goto(`${url}usage`);
    await expect(page.locator('#usage p').first().textContent()).resolves.toContain(`4 traces, ${usd(cost)}`);
    const model = all[0]!.model!;
    await expect(page.locator('#usage tbody tr').first().textContent()).resolves.toContain(model);
    expect(await page.locator('svg rect.bar[height]:not([height="0.0"])').count()).toBeGreaterThanOrEqual(2);
    await shot('usage');
    await page.goto(`${url}search`);
    await page.locator('input[name=q]').fill('notes.html');
    await page.locator('input[name=q]').press('Enter');
    await page.waitForURL(/\/search\?q=notes.html/);
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    await shot('search');
    expect(dialogs).toEqual([]);
  });

  it('Ctrl-C stops the server cleanly', async () => {
    expect(await ui.stop()).toBe(0);
    expect(ui.output()).toContain('ccflow ui: stopped');
  });
});
