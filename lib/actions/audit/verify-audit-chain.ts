"use server";

import { revalidatePath } from "next/cache";
import { checkAuditChain } from "@/lib/audit/check-audit-chain";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";

/**
 * Verifying changes nothing but is recorded, so it needs only the scope to read the log. The console verifies from the
 * newest signed checkpoint, so the button stays quick on a large log; `audit verify --full` recomputes every event.
 */
export async function verifyAuditChainAction(_previous: ActionResult | null, _form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await requireScope("audit:read", "verify the audit chain");
    const report = await checkAuditChain(user.context, { since: "checkpoint" });
    revalidatePath("/audit");
    if (!report.ok) {
      return { ok: false, code: "chain_broken", error: `The chain is broken at event #${report.firstBreak!.seq}: ${report.firstBreak!.message}.` };
    }
    return {
      ok: true,
      message: !report.head
        ? "The audit log is empty: nothing to verify."
        : report.from
          ? `Chain intact up to #${report.head.seq}: ${report.checked.toLocaleString("en")} event(s) since signed checkpoint #${report.from.seq} recomputed, and every checkpoint holds.`
          : `Chain intact: all ${report.checked.toLocaleString("en")} events verified, up to #${report.head.seq}.`,
    };
  });
}
