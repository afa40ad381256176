import { db } from "@/lib/db/client";
import { listScopes, type ScopeSummary } from "@/lib/scopes/list-scopes";
import { listTools, type ToolSummary } from "@/lib/tools/list-tools";

export interface ScopeCatalog {
  scopes: ScopeSummary[];
  tools: ToolSummary[];
}

/** Every scope and every tool with the scope it requires: the scopes page's matrix. */
export async function loadScopeCatalog(): Promise<ScopeCatalog> {
  const database = db();
  const [scopes, tools] = await Promise.all([listScopes(database), listTools(database)]);
  return { scopes, tools };
}
