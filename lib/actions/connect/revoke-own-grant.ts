"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { revokeOwnGrant } from "@/lib/grants/revoke-own-grant";

/** A user revokes one of their own grants (grants:own); lib/ refuses anyone else's. */
export async function revokeOwnGrantAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const me = await requireScope("grants:own", "revoke your grants");
    const grantId = z.uuid().safeParse(formString(form, "grantId"));
    if (!grantId.success) throw new AppError("invalid_input", "unknown grant");
    const result = await revokeOwnGrant(grantId.data, me.id, me.context);
    revalidatePath("/connect");
    if (!result.revoked) return { ok: true, message: "That grant was already revoked." };
    return { ok: true, message: `Revoked: that client's ${result.accessTokens} access and ${result.refreshTokens} refresh token(s) stop working on their next use.` };
  });
}
