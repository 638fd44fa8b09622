import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCResultResponse,
} from '@modelcontextprotocol/sdk/types.js';

/** A JSON-RPC response: a result or an error. */
export type Reply = JSONRPCResultResponse | JSONRPCErrorResponse;

/**
 * The server's end of an in-process link where each message from the client is one exchange: `request` delivers a
 * request and resolves with the server's reply to it, `deliver` hands over anything else.
 *
 * Requests are renumbered on the way in and their ids restored on the way out, so callers that reuse ids (two CLI
 * processes sharing one server both start at 0) never receive each other's replies. What the server sends
 * unprompted (notifications, requests of its own) has no way back to the client and is dropped.
 */
export class ExchangeTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;

  readonly #pending = new Map<number, (reply: Reply) => void>();
  /** From 1: the SDK ignores a cancellation of request 0. */
  #nextId = 1;

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if ('method' in message || typeof message.id !== 'number') return;
    const settle = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    settle?.(message);
  }

  async close(): Promise<void> {
    for (const [id, settle] of this.#pending)
      settle(failure(id, ErrorCode.ConnectionClosed, 'MCP server closed'));
    this.#pending.clear();
    this.onclose?.();
  }

  /**
   * Delivers a request and resolves with the server's reply, under the request's own id. When `signal` aborts
   * first, the server is told the request is cancelled (its handler's signal aborts) and the reply is an error.
   */
  request(message: JSONRPCMessage & { id: string | number }, signal?: AbortSignal): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise<Reply>((resolve) => {
      const cancelled = () =>
        failure(message.id, ErrorCode.InternalError, `cancelled: ${String(signal?.reason)}`);
      if (signal?.aborted) return resolve(cancelled());
      const onAbort = () => {
        this.#pending.delete(id);
        this.deliver({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: id, reason: String(signal?.reason) },
        });
        resolve(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, (reply) => {
        signal?.removeEventListener('abort', onAbort);
        resolve({ ...reply, id: message.id });
      });
      this.deliver({ ...message, id });
    });
  }

  /** Hands over a message that gets no reply: a notification, or a response to a request of the server's. */
  deliver(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }
}

/** A JSON-RPC error response. */
export function failure(id: string | number, code: number, message: string): Reply {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
