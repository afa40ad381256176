import { z } from "zod";
import { appendAudit, type AuditContext } from "@/lib/audit";
import type { Tx } from "@/lib/db/client";
import { AppError, describeIssues } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { privilegedChange } from "@/lib/privilege/privileged-change";
import { checkRoleAssignment } from "@/lib/privilege/privilege-rules";
import { displayNameSchema, emailSchema, passwordSchema } from "@/lib/users/user-input";

export const createUserInput = z.object({
  email: emailSchema,
  name: displayNameSchema,
  password: passwordSchema.optional(),
  roles: z.array(z.string()).default([]),
  kind: z.enum(["human", "service"]).default("human"),
});

export type CreateUserInput = z.input<typeof createUserInput>;

export interface CreatedUser {
  id: string;
  email: string;
  name: string;
  roles: string[];
}

export interface PreparedUser {
  email: string;
  name: string;
  kind: "human" | "service";
  roles: string[];
  passwordHash: string | null;
}

/** Validates input and hashes the password — slow work kept out of any transaction. */
export async function prepareUser(input: CreateUserInput): Promise<PreparedUser> {
  const parsed = createUserInput.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", describeIssues(parsed.error.issues));
  const { password, ...rest } = parsed.data;
  return { ...rest, passwordHash: password ? await hashPassword(password) : null };
}

/** Creates a prepared user inside a caller's transaction (first-run setup uses this under its own lock). */
export async function createUserInTx(tx: Tx, prepared: PreparedUser, ctx: AuditContext): Promise<CreatedUser> {
  const { email, name, passwordHash, roles, kind } = prepared;
  if (await tx.user.findUnique({ where: { email } })) {
    throw new AppError("conflict", `A user with email ${email} already exists`);
  }
  const found = await tx.role.findMany({ where: { name: { in: roles } }, select: { id: true, name: true } });
  const missing = roles.filter((r) => !found.some((f) => f.name === r));
  if (missing.length > 0) throw new AppError("invalid_input", `Unknown role: ${missing.join(", ")}`);
  const user = await tx.user.create({
    data: {
      email,
      name,
      kind,
      passwordHash,
      roles: { create: found.map((r) => ({ roleId: r.id })) },
    },
  });
  const roleNames = found.map((r) => r.name).sort();
  await appendAudit(tx, [
    {
      kind: "user.created",
      actor: ctx.actor,
      subject: user.id,
      ip: ctx.ip,
      requestId: ctx.requestId,
      reason: roleNames.length ? `user ${email} created with roles ${roleNames.join(", ")}` : `user ${email} created`,
      detail: { email, name, kind, roles: roleNames },
    },
  ]);
  return { id: user.id, email, name, roles: roleNames };
}

/** Creates a user; each role given with the account is a grant, within the privilege rules (lib/privilege). */
export async function createUser(input: CreateUserInput, ctx: AuditContext): Promise<CreatedUser> {
  const prepared = await prepareUser(input);
  return privilegedChange(["policy"], ctx, async (tx, view, actor) => {
    for (const name of prepared.roles) {
      const role = view.role(name);
      // An unknown role is createUserInTx's to report.
      if (role) checkRoleAssignment(view, actor, role.id, null, "grant");
    }
    return createUserInTx(tx, prepared, ctx);
  });
}
