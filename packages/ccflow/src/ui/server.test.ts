import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateFixture } from '@ccflow/sessions/testing';
import { SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { traceFixture } from '@ccflow/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.ts';
import { isLoopback, startUiServer, type UiServer } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccflow-ui-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A raw request, so the test can send any method and Host header. */
function send(url: string, options: { method?: string; host?: string } = {}) {
  const u = new URL(url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: options.method ?? 'GET',
          headers: options.host ? { host: options.host } : {},
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the ui server', () => {
  const path = join(dir, 'store.db');
  let server: UiServer;
  beforeAll(async () => {
    server = await startUiServer({ dbPath: path, port: 0, pollMs: 50 });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and serves pages, the script and the style sheet, with a strict content policy', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await send(server.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script src="/assets/ui.js" defer></script>');
    const js = await send(`${server.url}assets/ui.js`);
    expect(js).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    expect(js.body).toContain("new EventSource('/events')");
    expect((await send(`${server.url}assets/ui.css`)).body).toContain('--accent');
    expect((await send(`${server.url}traces/x`)).status).toBe(404);
    expect(await send(server.url, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect(await send(`${server.url}events`, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
  });

  it('refuses writes (only GET and HEAD) and a Host that is not its own (DNS rebinding)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect(await send(`${server.url}sessions`, { method })).toMatchObject({
        status: 405,
        headers: { allow: 'GET, HEAD' },
      });
    }
    expect((await send(server.url, { host: 'evil.example:80' })).status).toBe(421);
    expect((await send(server.url, { host: `localhost:${new URL(server.url).port}` })).status).toBe(200);
  });

  it('tells a live page when another connection writes to the store, within the poll interval', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('retry:')) text += (await reader.read()).value;
    const sessions = new SQLiteSessionStore(path);
    const traces = new SQLiteTraceStore(path);
    const state = stateFixture();
    await sessions.save(state);
    await traces.save(traceFixture({ sessionId: state.sessionId, prompt: 'live one' }));
    const started = Date.now();
    while (!text.includes('event: change')) text += (await reader.read()).value;
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await send(`${server.url}sessions/${state.sessionId}`)).body).toContain('live one');
    await sessions.close();
    await traces.close();
    controller.abort();
  });

  it('close ends the live streams and frees the port', async () => {
    const other = await startUiServer({ dbPath: path, port: 0 });
    const res = await fetch(`${other.url}events`);
    const reader = res.body!.getReader();
    await reader.read();
    await other.close();
    for (;;) if ((await reader.read()).done) break;
    await expect(send(other.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('isLoopback: only addresses of this machine', () => {
    for (const h of ['127.0.0.1', '127.3.4.5', 'localhost', '::1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com']) expect(isLoopback(h)).toBe(false);
  });
});

describe('ccflow ui', () => {
  const io = (stop?: AbortSignal) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: { write: (s: string) => out.push(s) },
        stderr: { write: (s: string) => err.push(s) },
        env: {},
        ...(stop ? { stop } : {}),
      },
    };
  };

  it('prints the URL, serves the store until stopped, and exits 0', async () => {
    const controller = new AbortController();
    const t = io(controller.signal);
    const code = main(['ui', '--db', join(dir, 'cmd.db'), '--port', '0'], t.io);
    while (t.out.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /http:\/\/\S+\//.exec(t.out.join(''))?.[0];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await send(`${url}sessions`)).status).toBe(200);
    controller.abort();
    expect(await code).toBe(0);
    expect(t.out.join('')).toContain('ccflow ui: stopped');
    expect(t.err).toEqual([]);
  });

  it('warns on stderr before serving on another interface; a bad port is a usage error', async () => {
    const t = io(AbortSignal.abort());
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning is written, then listening fails.
    expect(await main(['ui', '--db', join(dir, 'cmd.db'), '--port', '0', '--host', '192.0.2.1'], t.io)).toBe(
      1,
    );
    expect(t.err.join('')).toMatch(/warning:.*serving on 192\.0\.2\.1, not only this machine/);
    const bad = io();
    expect(await main(['ui', '--port', 'eighty'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('must be a port number');
  });
});
