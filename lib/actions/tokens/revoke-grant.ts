"use server";

import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { refreshTokenPages, uuidFromForm } from "./token-form";

export async function revokeGrantAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke grants");
    const grantId = uuidFromForm(form, "grantId", "grant");
    const result = await revokeGrant(grantId, admin.context, formString(form, "reason") || "revoked in the console");
    refreshTokenPages(result.userId);
    if (!result.revoked) return { ok: true, message: "That grant was already revoked." };
    return { ok: true, message: `Grant revoked with ${result.accessTokens} access and ${result.refreshTokens} refresh token(s).` };
  });
}
