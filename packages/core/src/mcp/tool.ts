import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

/** A tool's input: the fields of an object (`{ a: z.number() }`), or a zod object schema. */
export type ToolInputSchema = z.ZodRawShape | z.ZodObject;

/** The arguments a handler receives: the model's input, parsed by the tool's schema. */
export type ToolInput<Schema extends ToolInputSchema> = Schema extends z.ZodType
  ? z.output<Schema>
  : Schema extends z.ZodRawShape
    ? z.output<z.ZodObject<Schema>>
    : never;

/** What a handler returns: an MCP tool result, or text (a result of one text block). */
export type ToolOutput = CallToolResult | string;

/** What a handler gets besides its input. */
export interface ToolCallContext {
  /** Aborts when the CLI cancels the call or the connection to it ends. */
  signal: AbortSignal;
}

/**
 * A TypeScript function Claude can call as a tool, through an in-process MCP server (`createSdkMcpServer`). The
 * model sees it as `mcp__<server>__<name>`.
 */
export interface SdkMcpTool<Schema extends ToolInputSchema = ToolInputSchema> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Schema;
  readonly annotations?: ToolAnnotations;
  /**
   * Runs the call. A throw, or a return that is not a tool result, reaches the model as a tool error; so does
   * input the schema refuses, without the handler being called.
   */
  readonly handler: (input: ToolInput<Schema>, context: ToolCallContext) => ToolOutput | Promise<ToolOutput>;
}

/** Defines a tool for `createSdkMcpServer`: its name, what it does (for the model), its input schema, its code. */
export function tool<Schema extends ToolInputSchema>(
  name: string,
  description: string,
  inputSchema: Schema,
  handler: SdkMcpTool<Schema>['handler'],
  extras: { annotations?: ToolAnnotations } = {},
): SdkMcpTool<Schema> {
  return { name, description, inputSchema, handler, ...extras };
}
