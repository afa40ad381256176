"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { requireScope } from "@/lib/auth/console-user";
import { updateClientScopes } from "@/lib/clients/update-client-scopes";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { clientIdFromForm, refreshClientPages } from "./client-form";

export async function updateClientScopesAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("clients:write", "change a client's allowed scopes");
    const id = clientIdFromForm(form);
    const { added, removed } = await updateClientScopes(id, formStrings(form, "scopes"), admin.context, formString(form, "reason"));
    await noteImpactSaved(form, admin.context);
    refreshClientPages(id);
    if (added.length === 0 && removed.length === 0) return { ok: true, message: "No change." };
    const parts = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""];
    return { ok: true, message: `Allowed scopes saved: ${parts.filter(Boolean).join("; ")}. Applies from the next call.` };
  });
}
