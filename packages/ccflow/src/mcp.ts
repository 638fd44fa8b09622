/** In-process MCP tools (`@ccflow/core/mcp`); needs the optional peer dependency `@modelcontextprotocol/sdk`. */
export * from '@ccflow/core/mcp';
