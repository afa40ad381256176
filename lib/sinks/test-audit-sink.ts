import { appendAudit, type AuditContext } from "@/lib/audit";
import { viewAuditRow } from "@/lib/audit/audit-rows";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { AppError } from "@/lib/errors";
import { openSink } from "@/lib/sinks/opened-sink";
import { deliveryErrorMessage } from "@/lib/sinks/sink-errors";
import { SINK_TRANSPORTS } from "@/lib/sinks/transports/sink-transports";

/**
 * Sends the newest event of the chain to a sink once, outside its cursor (a receiver de-duplicates it by seq like any
 * repeat), and records the outcome as `sink.tested`. Answers whether the sink took it, and if not, why.
 */
export async function testAuditSink(nameOrId: string, ctx: AuditContext, options: { timeoutMs?: number } = {}): Promise<{ ok: boolean; error?: string; seq: string }> {
  // Checked here, in lib/, so no caller can skip it: the CLI is the operator; a console user needs settings:write.
  await requireActorScope(ctx, "settings:write");
  const sink = await db().auditSink.findFirst({ where: { OR: [{ name: nameOrId }, { id: nameOrId }] } });
  if (!sink) throw new AppError("not_found", `No audit sink ${nameOrId}.`);
  const newest = await db().auditEvent.findFirst({ orderBy: { seq: "desc" } });
  if (!newest) throw new AppError("conflict", "The audit log is empty: there is no event to send.");
  let error: string | undefined;
  try {
    const opened = await openSink(sink, options.timeoutMs ?? env().sinks.timeoutMs);
    await SINK_TRANSPORTS[opened.kind](opened, [viewAuditRow(newest)]);
  } catch (caught) {
    error = deliveryErrorMessage(caught);
  }
  await db().$transaction((tx) =>
    appendAudit(tx, [
      {
        kind: "sink.tested",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: error ? `audit sink ${sink.name} test failed: ${error}` : `audit sink ${sink.name} accepted event ${newest.seq}`,
        detail: { sinkId: sink.id, sink: sink.name, seq: newest.seq.toString(), ...(error ? { error } : {}) },
      },
    ]),
  );
  return { ok: !error, error, seq: newest.seq.toString() };
}
