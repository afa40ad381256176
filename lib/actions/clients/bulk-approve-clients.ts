"use server";

import { requireScope } from "@/lib/auth/console-user";
import { approveClients } from "@/lib/clients/approve-clients";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { refreshClientPages } from "./client-form";

export async function bulkApproveClientsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "approve clients");
    const ids = formStrings(form, "clientId");
    const result = await approveClients(ids, formString(form, "reason"), admin.context);
    refreshClientPages();
    const approved = result.approved.length ? `Approved ${result.approved.map((a) => a.name).join(", ")}.` : "";
    if (result.refused.length === 0) return { ok: true, message: approved };
    const refused = result.refused.map((r) => `${r.name}: ${r.error}`).join(" ");
    return { ok: false, code: "partial", error: `${approved} Not approved — ${refused}`.trim() };
  });
}
