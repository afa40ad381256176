"use server";

import { noteImpactSaved } from "@/lib/actions/impact/note-impact-saved";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { setRoleScopes } from "@/lib/roles/set-role-scopes";
import { refreshRolePages } from "./refresh-role-pages";

export async function setRoleScopesAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "change a role's scopes");
    const role = formString(form, "role");
    const { added, removed } = await setRoleScopes(role, formStrings(form, "scopes"), admin.context);
    await noteImpactSaved(form, admin.context);
    refreshRolePages(role);
    if (added.length === 0 && removed.length === 0) return { ok: true, message: "No change." };
    const parts = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""];
    return { ok: true, message: `Scopes saved: ${parts.filter(Boolean).join("; ")}.` };
  });
}
