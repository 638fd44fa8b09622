import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type CallToolResult, CallToolResultSchema, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { ConfigurationError } from '../errors.ts';
import type { InProcessMcpServer, JsonRpcMessage } from '../in-process-mcp.ts';
import { ExchangeTransport, failure } from './exchange-transport.ts';
import type { SdkMcpTool, ToolOutput } from './tool.ts';

export interface SdkMcpServerOptions {
  /** The server's name, as its MCP `serverInfo` gives it. */
  name: string;
  /** Its version, as its MCP `serverInfo` gives it. Default `1.0.0`. */
  version?: string;
  /** What the server is for, given to the model with its tools. */
  instructions?: string;
  // biome-ignore lint/suspicious/noExplicitAny: each tool has its own input type; a handler's is checked by `tool`
  tools?: readonly SdkMcpTool<any>[];
}

/** An MCP server in this process, built on the official SDK's `McpServer`. */
export interface SdkMcpServer extends InProcessMcpServer {
  /** The SDK server, for what `tool` does not cover (resources, prompts). */
  readonly instance: McpServer;
}

/**
 * Makes TypeScript functions tools Claude can call with no separate process: pass the server to an execution as
 * `host: { mcpServers: { <name>: server } }`, and the CLI lists and calls its tools over the control protocol.
 *
 * Throws `ConfigurationError` when two tools share a name.
 */
export function createSdkMcpServer(options: SdkMcpServerOptions): SdkMcpServer {
  const instance = new McpServer(
    { name: options.name, version: options.version ?? '1.0.0' },
    { capabilities: { tools: {} }, instructions: options.instructions },
  );
  const names = new Set<string>();
  for (const tool of options.tools ?? []) {
    if (names.has(tool.name)) {
      throw new ConfigurationError({ field: 'tools', problem: `two tools are named ${tool.name}` });
    }
    names.add(tool.name);
    instance.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.inputSchema, annotations: tool.annotations },
      async (input: unknown, extra: { signal: AbortSignal }) =>
        toolResult(tool.name, await tool.handler(input, { signal: extra.signal })),
    );
  }
  const transport = new ExchangeTransport();
  const connected = instance.connect(transport);
  return {
    name: options.name,
    instance,
    async handle(message, init) {
      const id = requestId(message);
      try {
        await connected;
        if (id === undefined) {
          transport.deliver(message as never);
          return undefined;
        }
        return (await transport.request({ ...message, id } as never, init?.signal)) as JsonRpcMessage;
      } catch (error) {
        // Only a fault of the SDK gets here: the server answers its handlers' failures itself.
        if (id === undefined) return undefined;
        return failure(id, ErrorCode.InternalError, error instanceof Error ? error.message : String(error));
      }
    },
  };
}

/** The id of a request; `undefined` for a notification or a response. */
function requestId(message: JsonRpcMessage): string | number | undefined {
  const { id, method } = message;
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? id : undefined;
}

/** A handler's output as a tool result; anything else becomes a tool error the model can read. */
function toolResult(name: string, output: ToolOutput): CallToolResult {
  if (typeof output === 'string') return { content: [{ type: 'text', text: output }] };
  const parsed = CallToolResultSchema.safeParse(output);
  if (parsed.success) return parsed.data;
  return {
    content: [{ type: 'text', text: `tool ${name} returned something that is not a tool result` }],
    isError: true,
  };
}
