import { appendAudit, SYSTEM_CONTEXT } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { TOOLS, type McpTool } from "@/lib/mcp/tools";

const TOOL_SYNC_LOCK = 7_207_369_010;

export interface ToolSync {
  created: string[];
  described: string[];
  removed: Array<{ name: string; requiredScope: string }>;
}

/**
 * Mirrors the tools declared in code into the `Tool` table at start-up, so that they are policy: a new tool arrives with
 * its declared scope (created if the scope does not exist yet); an existing tool keeps the scope an admin may have
 * given it — only its description follows the code; a tool no longer in the code is removed, because nothing could
 * serve it, and the removal (with the scope it had) is recorded. Safe when several instances start at once.
 */
export async function syncTools(tools: readonly McpTool<any>[] = TOOLS): Promise<ToolSync> {
  const plan = await planSync(tools);
  if (plan.created.length + plan.described.length + plan.removed.length === 0) return plan;
  return changeTransaction(["policy"], async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${TOOL_SYNC_LOCK})`);
    // Tools mirrored from upstream servers (lib/gateway) are not declared in code: never touched here.
    const existing = new Map((await tx.tool.findMany({ where: { serverName: null } })).map((t) => [t.name, t]));
    const declared = new Set(tools.map((t) => t.name));
    const result: ToolSync = { created: [], described: [], removed: [] };
    for (const tool of tools) {
      const row = existing.get(tool.name);
      if (!row) {
        await tx.scope.createMany({
          data: [{ name: tool.requiredScope, description: `Call the ${tool.name} tool` }],
          skipDuplicates: true,
        });
        await tx.tool.create({ data: { name: tool.name, description: tool.description, requiredScope: tool.requiredScope } });
        result.created.push(tool.name);
      } else if (row.description !== tool.description) {
        await tx.tool.update({ where: { name: tool.name }, data: { description: tool.description } });
        result.described.push(tool.name);
      }
    }
    for (const row of existing.values()) {
      if (declared.has(row.name)) continue;
      await tx.tool.delete({ where: { name: row.name } });
      result.removed.push({ name: row.name, requiredScope: row.requiredScope });
    }
    const events = [];
    if (result.created.length || result.removed.length) {
      const parts = [
        result.created.length ? `added ${result.created.join(", ")}` : "",
        result.removed.length ? `removed ${result.removed.map((r) => r.name).join(", ")} (no longer in the code)` : "",
      ].filter(Boolean);
      events.push({
        kind: "policy.changed" as const,
        actor: SYSTEM_CONTEXT.actor,
        reason: `MCP tools ${parts.join("; ")}`,
        detail: {
          toolsCreated: result.created.map((name) => ({ name, requiredScope: tools.find((t) => t.name === name)!.requiredScope })),
          toolsRemoved: result.removed,
        },
      });
    }
    await appendAudit(tx, events);
    return result;
  });
}

/** What would change, read without a lock: start-up of an unchanged deployment costs one query. */
async function planSync(tools: readonly McpTool<any>[]): Promise<ToolSync> {
  const existing = new Map((await db().tool.findMany({ where: { serverName: null } })).map((t) => [t.name, t]));
  const declared = new Set(tools.map((t) => t.name));
  return {
    created: tools.filter((t) => !existing.has(t.name)).map((t) => t.name),
    described: tools.filter((t) => existing.has(t.name) && existing.get(t.name)!.description !== t.description).map((t) => t.name),
    removed: [...existing.values()].filter((t) => !declared.has(t.name)).map((t) => ({ name: t.name, requiredScope: t.requiredScope })),
  };
}
