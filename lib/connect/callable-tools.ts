import { db } from "@/lib/db/client";
import type { HeldScopes } from "@/lib/policy/held-scopes";
import { listTools, type ToolSummary } from "@/lib/tools/list-tools";

/** The tools someone holding `scopes` may call: each tool's required scope is configured at runtime, so any name. */
export async function callableTools(scopes: HeldScopes): Promise<ToolSummary[]> {
  const tools = await listTools(db());
  return tools.filter((tool) => scopes.hasRuntimeScope(tool.requiredScope));
}
