"use server";

import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { deleteRole } from "@/lib/roles/delete-role";
import { refreshRolePages } from "./refresh-role-pages";

export async function deleteRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const result = await runAction(async () => {
    const admin = await requireScope("policy:write", "delete roles");
    const role = formString(form, "role");
    await deleteRole(role, admin.context);
    refreshRolePages();
    return { ok: true as const, message: role };
  });
  if (result.ok) redirect(`/roles?deleted=${encodeURIComponent(result.message ?? "")}`);
  return result;
}
