import type { AuditContext } from "@/lib/audit";
import { recordImpactDecision } from "@/lib/impact/record-impact-decision";

/**
 * After a save that followed an impact preview (the form carries `impactPreview`, the preview's audit sequence
 * number): records that the admin saw the preview and saved. Called only once the change is committed, so the event
 * never claims a save that did not happen.
 */
export async function noteImpactSaved(form: FormData, ctx: AuditContext): Promise<void> {
  const preview = form.get("impactPreview");
  if (typeof preview !== "string" || preview === "") return;
  await recordImpactDecision({ previewSeq: preview, decision: "saved" }, ctx);
}
