import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { requireActorScope } from "@/lib/gateway/require-actor-scope";
import { AppError, describeIssues } from "@/lib/errors";
import { seal } from "@/lib/keys/seal";
import { checkHostAllowed } from "@/lib/sinks/guarded-lookup";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";
import { parseSinkEndpoint, sinkInputSchema, type SinkInput } from "@/lib/sinks/sink-input";

export interface AddedSink {
  id: string;
  name: string;
  kind: string;
  endpoint: string;
  cursor: string;
}

/**
 * Adds an audit sink: endpoint rules (lib/sinks/sink-input.ts), the host resolved now under the SSRF rules (the same
 * check runs again on every connection), secrets sealed, and the `sink.added` event in the same transaction. A sink
 * starts before the first event (the whole chain is delivered) unless `from: "now"`.
 */
export async function addAuditSink(input: SinkInput, ctx: AuditContext): Promise<AddedSink> {
  // Checked here, in lib/, so no caller can skip it: the CLI is the operator; a console user needs settings:write.
  await requireActorScope(ctx, "settings:write");
  const parsed = sinkInputSchema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const sink = parsed.data;
  let target;
  try {
    target = parseSinkEndpoint(sink.kind, sink.endpoint, sink.allowPrivate);
  } catch (error) {
    throw new AppError("invalid_input", (error as Error).message);
  }
  try {
    await checkHostAllowed(target.host, sink.allowPrivate);
  } catch (error) {
    if (error instanceof SinkDeliveryError) {
      throw new AppError("invalid_input", `${error.message}${/private/.test(error.message) ? " (an admin may allow it explicitly: --allow-private)" : ""}`);
    }
    throw error;
  }
  const secrets = { token: sink.token, clientCert: sink.clientCert, clientKey: sink.clientKey };
  const secretSealed = secrets.token || secrets.clientKey ? await seal(JSON.stringify(secrets)) : null;
  return db().$transaction(async (tx) => {
    if (await tx.auditSink.findUnique({ where: { name: sink.name }, select: { id: true } })) {
      throw new AppError("conflict", `An audit sink named ${sink.name} already exists.`);
    }
    const head = sink.from === "now" ? ((await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n) : 0n;
    const created = await tx.auditSink.create({
      data: {
        name: sink.name,
        kind: sink.kind,
        endpoint: sink.endpoint,
        allowPrivate: sink.allowPrivate,
        options: { facility: sink.facility, ...(sink.ca ? { ca: sink.ca } : {}) },
        secretSealed,
        batchSize: sink.batchSize,
        lagAlertEvents: sink.lagAlertEvents,
        lagAlertSeconds: sink.lagAlertSeconds,
        cursor: head,
        createdBy: ctx.actor,
      },
    });
    await appendAudit(tx, [
      {
        kind: "sink.added",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `audit sink ${sink.name} (${sink.kind}) added: ${sink.endpoint}${sink.allowPrivate ? ", private addresses allowed" : ""}`,
        detail: {
          sinkId: created.id,
          sink: sink.name,
          kind: sink.kind,
          endpoint: sink.endpoint,
          allowPrivate: sink.allowPrivate,
          startsAfter: head.toString(),
          // Which secrets it holds, never their values.
          secrets: Object.entries(secrets).filter(([, v]) => v).map(([k]) => k),
        },
      },
    ]);
    return { id: created.id, name: created.name, kind: created.kind, endpoint: created.endpoint, cursor: head.toString() };
  });
}
