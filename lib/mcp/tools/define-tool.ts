import type { z } from "zod";
import type { AuditContext } from "@/lib/audit";
import type { McpCaller } from "@/lib/mcp/caller";
import type { Decision } from "@/lib/policy/decide";
import type { PolicySnapshot } from "@/lib/policy/types";

/** What a tool's handler knows about the call it serves: who, under which policy, and the decision that let it run. */
export interface ToolContext {
  caller: McpCaller;
  snapshot: PolicySnapshot;
  decision: Decision;
  /** For the audit events of any change the tool makes (actor `user:<sub>`, the request's IP and id). */
  audit: AuditContext;
}

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * An MCP tool, declared once: its name, what it does, the zod schema of its arguments, and the scope it requires by
 * default. At start-up the declaration is mirrored into the `Tool` table, after which the required scope is policy —
 * an admin may change it, and the endpoint enforces the table, not this default.
 */
export interface McpTool<Input extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  requiredScope: string;
  input: Input;
  annotations?: ToolAnnotations;
  /** Returns the structured result; throw AppError for a failure the caller should read. */
  run(input: z.output<Input>, ctx: ToolContext): Promise<Record<string, unknown>>;
}

/** Keeps each tool's input type tied to its schema while the registry holds them all. */
export function defineTool<Input extends z.ZodObject>(tool: McpTool<Input>): McpTool<Input> {
  return tool;
}
