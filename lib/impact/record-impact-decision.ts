import { z } from "zod";
import { recordAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError, describeIssues } from "@/lib/errors";

const decisionInput = z.object({
  previewSeq: z.string().regex(/^\d{1,18}$/, "previewSeq must be the sequence number of an impact preview"),
  decision: z.enum(["saved", "cancelled"], { error: "decision must be saved or cancelled" }),
});

/**
 * What the admin did after seeing a preview: saved the change, or cancelled it. Recorded next to the preview
 * (`impact.saved`: "saw N flips and saved"), naming the preview event, which must be this actor's own.
 */
export async function recordImpactDecision(input: { previewSeq: unknown; decision: unknown }, ctx: AuditContext): Promise<void> {
  const parsed = decisionInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const preview = await db().auditEvent.findUnique({ where: { seq: BigInt(parsed.data.previewSeq) }, select: { kind: true, actor: true, detail: true } });
  if (!preview || preview.kind !== "impact.previewed" || preview.actor !== ctx.actor) {
    throw new AppError("not_found", `No impact preview ${parsed.data.previewSeq} of yours to act on.`);
  }
  const detail = preview.detail as { change?: unknown; totals?: { allowedToDenied?: number; deniedToAllowed?: number } };
  const flips = (detail.totals?.allowedToDenied ?? 0) + (detail.totals?.deniedToAllowed ?? 0);
  const saved = parsed.data.decision === "saved";
  await recordAudit({
    kind: saved ? "impact.saved" : "impact.cancelled",
    actor: ctx.actor,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: `saw ${flips} flipped call${flips === 1 ? "" : "s"} in impact preview ${parsed.data.previewSeq} and ${saved ? "saved" : "cancelled"} the change`,
    detail: { previewSeq: parsed.data.previewSeq, change: detail.change ?? null, totals: detail.totals ?? null },
  });
}
