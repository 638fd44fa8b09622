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
 * What in-process servers add to the CLI's start: their names in the `initialize` request (`sdkMcpServers`), so the
 * CLI connects to each through `mcp_message` requests before it lists tools. Nothing goes on argv.
 */
export function inProcessMcpLaunch(servers: Record<string, InProcessMcpServer> | undefined): {
  args: string[];
  initialize: Record<string, unknown>;
} {
  const names = Object.keys(servers ?? {});
  return { args: [], initialize: names.length > 0 ? { sdkMcpServers: names } : {} };
}

/**
 * What the CLI is given for a notification, which has no reply: its transport hands whatever comes back to its MCP
 * client, which ignores a result for an id it never used.
 */
const NO_REPLY: JsonRpcMessage = { jsonrpc: '2.0', result: {}, id: 0 };

/**
 * Answers an `mcp_message` control request (`request.server_name`, `request.message`) with the named server: the
 * control response's payload (`{ mcp_response: reply }`), or an error for an unknown server. Never throws.
 */
export async function answerMcpMessage(
  servers: Record<string, InProcessMcpServer> | undefined,
  request: Record<string, unknown>,
  init: { signal: AbortSignal },
): Promise<{ response: Record<string, unknown> } | { error: string }> {
  const name = request.server_name;
  const server =
    typeof name === 'string' && servers && Object.hasOwn(servers, name) ? servers[name] : undefined;
  if (server === undefined) return { error: `no in-process MCP server named ${JSON.stringify(name)}` };
  const { message } = request;
  if (!isJsonRpc(message)) return { error: `mcp_message for ${name} without a JSON-RPC message` };
  try {
    const reply = await server.handle(message, init);
    return { response: { mcp_response: reply ?? NO_REPLY } };
  } catch (error) {
    return {
      error: `in-process MCP server ${name} failed: ${error instanceof Error ? error.message : error}`,
    };
  }
}

function isJsonRpc(message: unknown): message is JsonRpcMessage {
  return typeof message === 'object' && message !== null && (message as JsonRpcMessage).jsonrpc === '2.0';
}
