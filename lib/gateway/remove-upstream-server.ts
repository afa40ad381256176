import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { serverResource, serverScope } from "@/lib/gateway/gateway-registry";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { dropUpstream } from "@/lib/gateway/upstream-client";
import { forgetUpstreamToken } from "@/lib/gateway/upstream-credential";

/**
 * Removes an upstream server: its endpoint answers 404 from the next request, its mirrored tools leave the policy, its
 * default scope goes unless an admin made another tool require it, and every grant for its resource is revoked — so
 * its tokens are refused even if a server of the same name is registered again.
 */
export async function removeUpstreamServer(name: string, reason: string, ctx: AuditContext): Promise<{ revokedGrants: number }> {
  await requireActorScope(ctx, "servers:write");
  const why = reason.trim();
  if (!why) throw new AppError("invalid_input", "reason: say why the server is removed");
  if (why.length > 500) throw new AppError("invalid_input", "reason: use at most 500 characters");
  const result = await changeTransaction(["policy", "revocations"], async (tx) => {
    const server = await tx.upstreamServer.findUnique({ where: { name } });
    if (!server) throw new AppError("not_found", `Server ${name} does not exist`);
    const tools = await tx.tool.findMany({ where: { serverName: name }, select: { name: true } });
    await tx.tool.deleteMany({ where: { serverName: name } });
    await tx.upstreamServer.delete({ where: { name } });
    const scope = serverScope(name);
    if ((await tx.tool.count({ where: { requiredScope: scope } })) === 0) await tx.scope.deleteMany({ where: { name: scope } });
    const revoked = await tx.grant.updateMany({
      where: { resource: serverResource(name), revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: `upstream server ${name} removed` },
    });
    await appendAudit(tx, [
      {
        kind: "server.removed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: [scope],
        reason: `upstream server ${name} removed: ${why}`,
        detail: { server: name, url: server.url, tools: tools.map((t) => t.name), revokedGrants: revoked.count },
      },
    ]);
    return { revokedGrants: revoked.count };
  });
  dropUpstream(name);
  forgetUpstreamToken(name);
  return result;
}
