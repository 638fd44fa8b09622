import type { InitMessage } from '@ccflow/parser';

/** MCP server statuses of the CLI's `init` that mean the server's tools are not there (`pending` may still come). */
const UNAVAILABLE = new Set(['failed', 'needs-auth']);

export interface McpServerFailure {
  name: string;
  status: string;
}

/** The MCP servers the CLI could not start, reach or authenticate, as its `init` reports them. */
export function failedMcpServers(init: InitMessage): McpServerFailure[] {
  return init.mcpServers
    .filter((s) => s.status !== undefined && UNAVAILABLE.has(s.status))
    .map((s) => ({ name: s.name, status: s.status! }));
}
