import type { Db } from "@/lib/db/client";

export interface ToolSummary {
  name: string;
  description: string;
  requiredScope: string;
  updatedAt: Date;
  /** The upstream server a mirrored tool belongs to (DESIGN §10); null for built-in tools. */
  serverName: string | null;
  /** `accepted`, or `held` (awaiting review). */
  state: string;
}

/** The MCP tools mirrored from code, with the scope each currently requires. */
export async function listTools(database: Db): Promise<ToolSummary[]> {
  return database.tool.findMany({
    orderBy: { name: "asc" },
    select: { name: true, description: true, requiredScope: true, updatedAt: true, serverName: true, state: true },
  });
}
