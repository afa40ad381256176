import { Prisma } from "@/lib/db/generated/client";
import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";

/**
 * Accepts held tools of a server (all of them, or those named): their pending definition becomes the pinned one and
 * they are listed and callable from the next request on. Accepting is an audit event naming each tool and its hash.
 */
export async function acceptUpstreamTools(server: string, tools: readonly string[] | "all", ctx: AuditContext): Promise<{ accepted: string[] }> {
  await requireActorScope(ctx, "servers:write");
  return changeTransaction(["policy"], async (tx) => {
    if (!(await tx.upstreamServer.findUnique({ where: { name: server }, select: { name: true } }))) throw new AppError("not_found", `Server ${server} does not exist`);
    const held = await tx.tool.findMany({ where: { serverName: server, state: "held" } });
    const chosen = tools === "all" ? held : held.filter((t) => tools.includes(t.upstreamName!));
    if (tools !== "all") {
      const unknown = tools.filter((name) => !held.some((t) => t.upstreamName === name));
      if (unknown.length) throw new AppError("not_found", `No held tool ${unknown.join(", ")} on ${server}`);
    }
    for (const tool of chosen) {
      const pending = tool.pendingDefinition as { description?: string } | null;
      await tx.tool.update({
        where: { name: tool.name },
        data: {
          state: "accepted",
          definition: tool.pendingDefinition ?? undefined,
          definitionHash: tool.pendingHash,
          pendingDefinition: Prisma.DbNull,
          pendingHash: null,
          description: (pending?.description ?? tool.description).slice(0, 2000),
        },
      });
    }
    if (chosen.length) {
      await appendAudit(tx, [
        {
          kind: "server.tool_accepted",
          actor: ctx.actor,
          ip: ctx.ip,
          requestId: ctx.requestId,
          tool: chosen.length === 1 ? chosen[0].name : null,
          reason: `${chosen.map((t) => t.upstreamName).join(", ")} of ${server} accepted`,
          detail: { server, tools: chosen.map((t) => t.upstreamName), hashes: Object.fromEntries(chosen.map((t) => [t.upstreamName!, t.pendingHash])) },
        },
      ]);
    }
    return { accepted: chosen.map((t) => t.upstreamName!) };
  });
}
