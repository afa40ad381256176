"use server";

import { revalidatePath } from "next/cache";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { db } from "@/lib/db/client";
import { addRoleMapping } from "@/lib/workos/add-role-mapping";
import { findWorkosSubject } from "@/lib/workos/find-workos-subject";
import { liftAuthkitRevocation } from "@/lib/workos/lift-authkit-revocation";
import { removeRoleMapping } from "@/lib/workos/remove-role-mapping";
import { revokeAuthkitAccess } from "@/lib/workos/revoke-authkit-access";
import { revocationKindSchema } from "@/lib/workos/revocation-kinds";
import { AppError } from "@/lib/errors";

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export async function addRoleMappingAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "map WorkOS roles");
    const mapping = await addRoleMapping(
      { externalKind: field(form, "externalKind") as "role", externalName: field(form, "externalName"), role: field(form, "role") },
      admin.context,
    );
    revalidatePath("/workos");
    return { ok: true, message: `workos ${mapping.externalKind} ${mapping.externalName} now maps to role ${mapping.role}.` };
  });
}

export async function removeRoleMappingAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("policy:write", "remove WorkOS role mappings");
    await removeRoleMapping(field(form, "id"), admin.context);
    revalidatePath("/workos");
    return { ok: true, message: "Mapping removed." };
  });
}

export async function revokeAuthkitAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "revoke AuthKit tokens");
    const kind = revocationKindSchema.safeParse(field(form, "kind"));
    if (!kind.success) throw new AppError("invalid_input", kind.error.issues[0].message);
    const raw = field(form, "value");
    const value = kind.data === "user" ? await findWorkosSubject(db(), raw) : raw;
    const { created } = await revokeAuthkitAccess({ kind: kind.data, value, reason: field(form, "reason") }, admin.context);
    revalidatePath("/workos");
    return { ok: true, message: created ? `Revoked AuthKit ${kind.data} ${value}.` : `AuthKit ${kind.data} ${value} was already revoked.` };
  });
}

export async function liftRevocationAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("tokens:revoke", "lift AuthKit revocations");
    await liftAuthkitRevocation(field(form, "id"), admin.context);
    revalidatePath("/workos");
    return { ok: true, message: "Revocation lifted." };
  });
}
