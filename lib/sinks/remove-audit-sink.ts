import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { AppError } from "@/lib/errors";

/** Removes a sink (by name or id) with its cursor and sealed secrets; `sink.removed` records where it had got to. */
export async function removeAuditSink(nameOrId: string, ctx: AuditContext): Promise<{ id: string; name: string; cursor: string }> {
  // Checked here, in lib/, so no caller can skip it: the CLI is the operator; a console user needs settings:write.
  await requireActorScope(ctx, "settings:write");
  return db().$transaction(async (tx) => {
    const sink = await tx.auditSink.findFirst({ where: { OR: [{ name: nameOrId }, { id: nameOrId }] } });
    if (!sink) throw new AppError("not_found", `No audit sink ${nameOrId}.`);
    await tx.auditSink.delete({ where: { id: sink.id } });
    await appendAudit(tx, [
      {
        kind: "sink.removed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `audit sink ${sink.name} (${sink.kind}) removed after delivering through event ${sink.cursor}`,
        detail: { sinkId: sink.id, sink: sink.name, kind: sink.kind, endpoint: sink.endpoint, cursor: sink.cursor.toString() },
      },
    ]);
    return { id: sink.id, name: sink.name, cursor: sink.cursor.toString() };
  });
}
