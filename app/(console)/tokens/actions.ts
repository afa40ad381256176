"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { AppError } from "@/lib/errors";
import { revokeAccessToken } from "@/lib/grants/revoke-access-token";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { revokeUserGrants } from "@/lib/grants/revoke-user-grants";

// Every action authorizes first (an audited 403 without tokens:revoke), then lets lib/ revoke and audit.

function refresh(userId?: string) {
  revalidatePath("/tokens");
  revalidatePath("/");
  if (userId) revalidatePath(`/users/${userId}`);
}

function uuidField(form: FormData, name: string, what: string): string {
  const parsed = z.uuid().safeParse(formString(form, name));
  if (!parsed.success) throw new AppError("invalid_input", `unknown ${what}`);
  return parsed.data;
}

export async function revokeGrantAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke grants");
    const grantId = uuidField(form, "grantId", "grant");
    const result = await revokeGrant(grantId, admin.context, formString(form, "reason") || "revoked in the console");
    refresh(result.userId);
    if (!result.revoked) return { ok: true, message: "That grant was already revoked." };
    return { ok: true, message: `Grant revoked with ${result.accessTokens} access and ${result.refreshTokens} refresh token(s).` };
  });
}

export async function revokeAccessTokenAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke access tokens");
    const jti = uuidField(form, "jti", "token");
    const revoked = await revokeAccessToken(jti, formString(form, "reason") || "revoked in the console", admin.context);
    refresh();
    return { ok: true, message: revoked ? `Access token ${jti.slice(0, 8)}… revoked; its grant lives on.` : "That token was already revoked or is unknown." };
  });
}

export async function revokeUserGrantsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke a user's grants");
    const userId = uuidField(form, "userId", "user");
    const result = await revokeUserGrants(userId, formString(form, "reason"), admin.context);
    refresh(userId);
    if (result.grantIds.length === 0) return { ok: true, message: `${result.name} holds no live grant: nothing to revoke.` };
    return {
      ok: true,
      message: `Revoked all ${result.grantIds.length} grant(s) of ${result.name} (${result.accessTokens} access, ${result.refreshTokens} refresh token(s)).`,
    };
  });
}
