import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi } from './ui-process.ts';

// `ccflow ui --open` in its own process, with the platform's opener (xdg-open here) replaced on PATH by a script
// that records what it was given: the URL the command serves, as one argument.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-ui-open-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openUi = (path: string, ready?: (output: string) => boolean) =>
  startUi(
    ['--db', join(dir, 'empty.db'), '--port', '0', '--open'],
    { HOME: dir, PATH: path, NO_COLOR: '1' },
    ready,
  );

describe('ccflow ui --open', () => {
  it('hands the served URL to the platform’s opener, as its one argument', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const opened = join(dir, 'opened');
    writeFileSync(
      join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > '${opened}.tmp'\nmv '${opened}.tmp' '${opened}'\n`,
    );
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const ui = await openUi(`${bin}:/usr/bin:/bin`);
    const started = performance.now();
    let args = '';
    while (args === '' && performance.now() - started < 15_000) {
      args = (() => {
        try {
          return readFileSync(opened, 'utf8');
        } catch {
          return '';
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(args).toBe(`1\n${ui.url}\n`);
    const page = await fetch(ui.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(await ui.stop()).toBe(0);
    expect(ui.output()).not.toContain('could not run');
  });

  it('with no opener installed, says so and serves on', async () => {
    const empty = join(dir, 'no-opener');
    mkdirSync(empty);
    const ui = await openUi(empty, (o) => o.includes('could not run'));
    expect(ui.output()).toContain(`ccflow ui: could not run xdg-open; open ${ui.url} yourself\n`);
    expect((await fetch(ui.url)).status).toBe(200);
    expect(await ui.stop()).toBe(0);
  });
});
