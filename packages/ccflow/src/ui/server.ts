import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { escapeHtml } from './html.ts';
import { ReadStore } from './read-store.ts';
import { route } from './routes.ts';

/** Where `startUiServer` reads and listens. */
export interface UiServerOptions {
  /** The SQLite store; created (empty) when missing. */
  dbPath: string;
  /** Default 4680; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. Any other interface lets whoever reaches it read every prompt and answer. */
  host?: string;
  /** How often the live endpoint asks the store whether another process wrote. Default 1000 ms. */
  pollMs?: number;
}

/** A running ui server. */
export interface UiServer {
  /** `http://host:port/`. */
  readonly url: string;
  /** Ends the live streams, closes every connection and the store. */
  close(): Promise<void>;
}

/** The page script and style sheet, shipped in the package's `assets/` and read once. */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const root = dirname(createRequire(import.meta.url).resolve('ccflow/package.json'));
  const asset = (name: string, type: string) =>
    [`/assets/${name}`, { type, body: readFileSync(join(root, 'assets', name)) }] as const;
  return new Map([
    asset('ui.js', 'text/javascript; charset=utf-8'),
    asset('ui.css', 'text/css; charset=utf-8'),
  ]);
}

/**
 * Scripts and styles only from this server (no inline script, handler or style runs, whatever a page holds), no
 * framing, no referrer: defence in depth behind the escaping of every page.
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/** Whether `host` is an address of this machine only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Serves the ui over the store until `close`. GET and HEAD only; the store is read through a read-only
 * connection. On a loopback address, requests must name it in `Host`, so a web page elsewhere cannot reach the
 * server by rebinding its own domain name to 127.0.0.1.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const store = new ReadStore(options.dbPath);
  const assets = loadAssets();
  const live = new Set<ServerResponse>();
  let port = 0;
  let version = store.dataVersion();
  let timer: NodeJS.Timeout | undefined;

  const poll = () => {
    const now = store.dataVersion();
    if (now === version) return;
    version = now;
    for (const res of live) res.write(`event: change\ndata: ${now}\n\n`);
  };

  const allowedHosts = () =>
    new Set(['127.0.0.1', 'localhost', '[::1]', `[${host}]`, host].map((h) => `${h}:${port}`));

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean) => {
    res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(head ? undefined : body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'read-only: GET and HEAD only\n', false);
      return;
    }
    if (isLoopback(host) && !allowedHosts().has(req.headers.host ?? '')) {
      send(res, 421, 'text/plain; charset=utf-8', 'unknown Host\n', head);
      return;
    }
    const url = new URL(req.url ?? '/', `http://localhost:${port}`);
    const asset = assets.get(url.pathname);
    if (asset !== undefined) {
      send(res, 200, asset.type, asset.body, head);
      return;
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream; charset=utf-8' });
      if (head) {
        res.end();
        return;
      }
      res.write('retry: 2000\n\n');
      live.add(res);
      timer ??= setInterval(poll, options.pollMs ?? 1000);
      res.on('close', () => {
        live.delete(res);
        if (live.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      });
      return;
    }
    try {
      const page = route(store, url);
      send(res, page.status, 'text/html; charset=utf-8', page.body.toString(), head);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send(res, 500, 'text/html; charset=utf-8', `<!doctype html><p>${escapeHtml(message)}</p>`, head);
    }
  };

  const server = createServer(handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4680, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      for (const res of live) res.end();
      live.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
