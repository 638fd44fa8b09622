import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatSse, messageBody, messageEvents, resolveMessage } from './message-events.ts';
import { errorTypeFor, type Reply } from './reply.ts';

/** What the stand-in received, with secret headers replaced by `[redacted]`. */
export interface RecordedRequest {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read request bodies freely in assertions
  body: any;
  /** What was answered: the reply, or `undefined` for routes that are not scripted (count_tokens, 404). */
  reply: Reply | undefined;
}

/** Answers a request: a fixed reply, or one computed from what was asked. */
export type Responder = Reply | ((request: RecordedRequest) => Reply);

export interface StandInOptions {
  /** Answer for `/v1/messages` requests when the queue is empty. Default: a 500 naming the problem. */
  fallback?: Responder;
}

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * A scriptable stand-in for the Anthropic Messages API on 127.0.0.1. `POST /v1/messages` answers in JSON or SSE
 * (as the request asks) from a queue of replies; everything received is recorded for assertions.
 */
export class MessagesApiStandIn implements AsyncDisposable {
  readonly requests: RecordedRequest[] = [];
  readonly #queue: Responder[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #fallback: Responder;
  #url = '';

  private constructor(options: StandInOptions) {
    this.#fallback =
      options.fallback ??
      ((r) => ({
        type: 'error',
        status: 500,
        message: `stand-in: no scripted reply left for request #${r.seq}`,
      }));
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a stand-in on 127.0.0.1 on a free port. */
  static async start(options: StandInOptions = {}): Promise<MessagesApiStandIn> {
    const standIn = new MessagesApiStandIn(options);
    await new Promise<void>((resolve, reject) => {
      standIn.#server.once('error', reject);
      standIn.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = standIn.#server.address() as AddressInfo;
    standIn.#url = `http://127.0.0.1:${port}`;
    return standIn;
  }

  /** The base URL to give the CLI (`ANTHROPIC_BASE_URL`) or the SDK (`baseURL`). */
  get url(): string {
    return this.#url;
  }

  /** Queues replies; each `/v1/messages` request takes the next one. */
  enqueue(...replies: Responder[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Replies still queued. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Recorded `/v1/messages` requests only. */
  get messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/messages');
  }

  /** Forgets recorded requests and queued replies. */
  reset(): void {
    this.requests.length = 0;
    this.#queue.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.#url);
    const request: RecordedRequest = {
      seq: this.requests.length + 1,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(req),
      body: parseBody(raw),
      reply: undefined,
    };
    this.requests.push(request);

    if (request.method === 'POST' && request.path === '/v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
    }
    if (request.method !== 'POST' || request.path !== '/v1/messages') {
      return sendJson(
        res,
        404,
        apiError('not_found_error', `stand-in: no route ${request.method} ${request.path}`),
      );
    }

    const responder = this.#queue.shift() ?? this.#fallback;
    const reply = typeof responder === 'function' ? responder(request) : responder;
    request.reply = reply;

    if (reply.type === 'error') {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'request-id': `req_${request.seq}`,
      };
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      res.writeHead(reply.status, { ...headers, ...reply.headers });
      res.end(
        JSON.stringify(
          apiError(reply.errorType ?? errorTypeFor(reply.status), reply.message ?? `HTTP ${reply.status}`),
        ),
      );
      return;
    }

    const model = typeof request.body?.model === 'string' ? request.body.model : 'claude-stand-in';
    const message = resolveMessage(reply, model, raw.length);
    if (request.body?.stream !== true) return sendJson(res, 200, messageBody(message), reply.headers);

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'request-id': `req_${request.seq}`,
      ...reply.headers,
    });
    const events = messageEvents(message, reply.deltaSize);
    for (let i = 0; i < events.length; i++) {
      if (reply.cutAfterEvents !== undefined && i >= reply.cutAfterEvents) {
        // Writes stay corked until the next tick: let the events written so far reach the client, then cut.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        res.socket?.destroy();
        return;
      }
      if (reply.stallAfterEvents !== undefined && i >= reply.stallAfterEvents) {
        await new Promise<void>((resolve) => res.once('close', resolve));
        return;
      }
      if (reply.eventDelayMs) await delay(reply.eventDelayMs);
      if (res.destroyed) return;
      res.write(formatSse(events[i]!));
    }
    res.end();
  }
}

function apiError(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function redactHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADERS.has(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
