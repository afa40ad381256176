"use server";

import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { revokeUserGrants } from "@/lib/grants/revoke-user-grants";
import { refreshTokenPages, uuidFromForm } from "./token-form";

export async function revokeUserGrantsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke a user's grants");
    const userId = uuidFromForm(form, "userId", "user");
    const result = await revokeUserGrants(userId, formString(form, "reason"), admin.context);
    refreshTokenPages(userId);
    if (result.grantIds.length === 0) return { ok: true, message: `${result.name} holds no live grant: nothing to revoke.` };
    return {
      ok: true,
      message: `Revoked all ${result.grantIds.length} grant(s) of ${result.name} (${result.accessTokens} access, ${result.refreshTokens} refresh token(s)).`,
    };
  });
}
