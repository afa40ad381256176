import { toolDescriptor } from "@/lib/mcp/tools";

/**
 * The input schema a condition on `tool` is checked against when saved: a built-in tool's declared schema. A tool
 * with none known (a mirrored upstream tool until its definition is read here) is checked with `args` as a map of
 * anything: its fields are then judged at evaluation, where a missing one denies.
 */
export function toolInputSchema(tool: string, storedDefinition?: unknown): unknown {
  const builtin = toolDescriptor(tool);
  if (builtin) return builtin.inputSchema;
  const stored = storedDefinition as { inputSchema?: unknown } | null | undefined;
  return stored && typeof stored === "object" && typeof stored.inputSchema === "object" ? stored.inputSchema : undefined;
}
