"use server";

import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { revokeAccessToken } from "@/lib/grants/revoke-access-token";
import { refreshTokenPages, uuidFromForm } from "./token-form";

export async function revokeAccessTokenAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke access tokens");
    const jti = uuidFromForm(form, "jti", "token");
    const revoked = await revokeAccessToken(jti, formString(form, "reason") || "revoked in the console", admin.context);
    refreshTokenPages();
    return { ok: true, message: revoked ? `Access token ${jti.slice(0, 8)}… revoked; its grant lives on.` : "That token was already revoked or is unknown." };
  });
}
