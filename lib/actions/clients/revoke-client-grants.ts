"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { revokeClientGrants } from "@/lib/grants/revoke-client-grants";
import { clientIdFromForm, refreshClientPages } from "./client-form";

export async function revokeClientGrantsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke a client's grants");
    const id = clientIdFromForm(form);
    const result = await revokeClientGrants(id, formString(form, "reason"), admin.context);
    refreshClientPages(id);
    revalidatePath("/tokens");
    if (result.grantIds.length === 0) return { ok: true, message: `${result.name} holds no live grant: nothing to revoke.` };
    return {
      ok: true,
      message: `Revoked ${result.grantIds.length} grant(s) of ${result.name} (${result.accessTokens} access, ${result.refreshTokens} refresh token(s)).`,
    };
  });
}
