/**
 * One JSON-RPC 2.0 message of the Model Context Protocol, as the CLI relays it in an `mcp_message` control request.
 * Kept loose here so `@ccflow/core` needs no MCP library; `@ccflow/core/mcp` builds servers on the official SDK.
 */
export type JsonRpcMessage = { jsonrpc: '2.0'; [field: string]: unknown };

/**
 * An MCP server that runs in the caller's process: the CLI lists and calls its tools through the control protocol
 * (`mcp_message`), so no separate process is started. Made with `createSdkMcpServer` from `@ccflow/core/mcp`.
 */
export interface InProcessMcpServer {
  /** The name the CLI knows it by (its tools are `mcp__<name>__<tool>`). */
  readonly name: string;
  /** Answers one message from the CLI: a response for a request, `undefined` for a notification. */
  handle(message: JsonRpcMessage, init?: { signal?: AbortSignal }): Promise<JsonRpcMessage | undefined>;
}

/**
 * What in-process servers add to the CLI's start (the CLI must know their names before it lists tools). Built by the
 * in-process MCP work; used by `HostRequests`.
 */
export function inProcessMcpLaunch(servers: Record<string, InProcessMcpServer> | undefined): {
  args: string[];
  initialize: Record<string, unknown>;
} {
  void servers;
  return { args: [], initialize: {} };
}

/**
 * Answers an `mcp_message` control request (`request.server_name`, `request.message`) with the named server: the
 * control response's payload (`{ mcp_response: reply }`), or an error for an unknown server. Never throws.
 */
export async function answerMcpMessage(
  servers: Record<string, InProcessMcpServer> | undefined,
  request: Record<string, unknown>,
  init: { signal: AbortSignal },
): Promise<{ response: Record<string, unknown> } | { error: string }> {
  void servers;
  void init;
  return { error: `no in-process MCP server named ${String(request.server_name)}` };
}
