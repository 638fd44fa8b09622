/**
 * The shapes of the control protocol's answers, as the pinned CLI (2.1.332) sends them; checked one by one in
 * `test/connection.cli.test.ts`. Fields the CLI may add later are kept (`[field: string]: unknown`).
 */

/** The answer to `initialize`: what the session offers. */
export interface InitializeResponse {
  commands: SlashCommand[];
  agents: AgentInfo[];
  models: ModelInfo[];
  output_style?: string;
  available_output_styles?: string[];
  [field: string]: unknown;
}

/** A command the session takes as a prompt (`/compact`, a skill). */
export interface SlashCommand {
  name: string;
  description: string;
  argumentHint?: string;
  [field: string]: unknown;
}

/** A model the session can switch to (`setModel`). */
export interface ModelInfo {
  /** What `setModel` takes. */
  value: string;
  displayName: string;
  description: string;
  [field: string]: unknown;
}

/** A subagent the session can delegate to. */
export interface AgentInfo {
  name: string;
  description: string;
  model?: string;
  [field: string]: unknown;
}

/** An MCP server as the CLI sees it now (`mcp_status`). */
export interface McpServerStatus {
  name: string;
  status: 'connected' | 'failed' | 'needs-auth' | 'pending' | 'disabled' | (string & {});
  [field: string]: unknown;
}

/** What `rewind_files` did (or, with `dryRun`, would do). */
export interface RewindFilesResult {
  canRewind: boolean;
  error?: string;
  filesChanged?: string[];
  insertions?: number;
  deletions?: number;
  [field: string]: unknown;
}

/** How full the context window is, by category (`get_context_usage`). */
export interface ContextUsage {
  totalTokens: number;
  maxTokens: number;
  percentage: number;
  model: string;
  categories: { name: string; tokens: number; [field: string]: unknown }[];
  [field: string]: unknown;
}
