"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireScope } from "@/lib/auth/console-user";
import { runAction, type ActionResult } from "@/lib/console/action-result";
import { AppError } from "@/lib/errors";
import { assignRole } from "@/lib/users/assign-role";
import { createUser } from "@/lib/users/create-user";
import { removeRole } from "@/lib/users/remove-role";
import { setUserDisabled } from "@/lib/users/set-user-disabled";

const userRoleForm = z.object({ userId: z.uuid("unknown user"), role: z.string().min(1, "choose a role") });

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function parseUserRole(form: FormData) {
  const parsed = userRoleForm.safeParse({ userId: field(form, "userId"), role: field(form, "role") });
  if (!parsed.success) throw new AppError("invalid_input", parsed.error.issues[0].message);
  return parsed.data;
}

export async function createUserAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "create users");
    const user = await createUser(
      {
        email: field(form, "email"),
        name: field(form, "name"),
        password: field(form, "password"),
        roles: form.getAll("roles").filter((r): r is string => typeof r === "string"),
      },
      admin.context,
    );
    revalidatePath("/users");
    return { ok: true, message: `Created ${user.email}.` };
  });
}

export async function assignRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "assign roles");
    const { userId, role } = parseUserRole(form);
    await assignRole(userId, role, admin.context);
    revalidatePath(`/users/${userId}`);
    revalidatePath("/users");
    return { ok: true, message: `Role ${role} assigned.` };
  });
}

export async function removeRoleAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "remove roles");
    const { userId, role } = parseUserRole(form);
    await removeRole(userId, role, admin.context);
    revalidatePath(`/users/${userId}`);
    revalidatePath("/users");
    return { ok: true, message: `Role ${role} removed.` };
  });
}

export async function setUserDisabledAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await requireScope("users:write", "disable or enable users");
    const userId = z.uuid().safeParse(field(form, "userId"));
    if (!userId.success) throw new AppError("invalid_input", "unknown user");
    const disable = field(form, "disabled") === "true";
    await setUserDisabled(userId.data, disable, admin.context);
    revalidatePath(`/users/${userId.data}`);
    revalidatePath("/users");
    return { ok: true, message: disable ? "User disabled; their grants are revoked." : "User enabled." };
  });
}
