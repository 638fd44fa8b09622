/**
 * In-process MCP tools: TypeScript functions Claude calls as tools, served from this process over the CLI's control
 * protocol. Needs the optional peer dependency `@modelcontextprotocol/sdk`, which `@ccflow/core` itself never loads.
 */
export type { InProcessMcpServer, JsonRpcMessage } from './in-process-mcp.ts';
export {
  createSdkMcpServer,
  type SdkMcpServer,
  type SdkMcpServerOptions,
} from './mcp/create-sdk-mcp-server.ts';
export {
  type SdkMcpTool,
  type ToolCallContext,
  type ToolInput,
  type ToolInputSchema,
  type ToolOutput,
  tool,
} from './mcp/tool.ts';
