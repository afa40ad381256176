"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { formString } from "@/lib/console/form-data";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findWorkosSubject } from "@/lib/workos/find-workos-subject";
import { revokeAuthkitAccess } from "@/lib/workos/revoke-authkit-access";
import { revocationKindSchema } from "@/lib/workos/revocation-kinds";

export async function revokeAuthkitAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke AuthKit tokens");
    const kind = revocationKindSchema.safeParse(formString(form, "kind"));
    if (!kind.success) throw new AppError("invalid_input", kind.error.issues[0].message);
    const raw = formString(form, "value");
    const value = kind.data === "user" ? await findWorkosSubject(db(), raw) : raw;
    const { created } = await revokeAuthkitAccess({ kind: kind.data, value, reason: formString(form, "reason") }, admin.context);
    revalidatePath("/workos");
    return { ok: true, message: created ? `Revoked AuthKit ${kind.data} ${value}.` : `AuthKit ${kind.data} ${value} was already revoked.` };
  });
}
