"use server";

import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString, formStrings } from "@/lib/console/form-data";
import { createRole } from "@/lib/roles/create-role";
import { refreshRolePages } from "./refresh-role-pages";

export async function createRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "create roles");
    const role = await createRole(
      {
        name: formString(form, "name"),
        description: formString(form, "description"),
        scopes: formStrings(form, "scopes"),
        parents: formStrings(form, "parents"),
      },
      admin.context,
    );
    refreshRolePages(role.name);
    return { ok: true, message: `Created role ${role.name}.` };
  });
}
