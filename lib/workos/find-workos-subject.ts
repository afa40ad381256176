import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { emailSchema } from "@/lib/users/user-input";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The WorkOS user id (an AuthKit token's `sub`) for a user named by WorkOS id (`user_…`), local id or email — what a
 * deny-list entry by user is keyed on. A local user never linked to WorkOS has no AuthKit tokens to deny.
 */
export async function findWorkosSubject(database: Db, identifier: string): Promise<string> {
  const value = identifier.trim();
  if (/^user_[0-9A-Za-z]{1,64}$/.test(value)) return value;
  const email = emailSchema.safeParse(value);
  const user = UUID.test(value)
    ? await database.user.findUnique({ where: { id: value } })
    : email.success
      ? await database.user.findUnique({ where: { email: email.data } })
      : null;
  if (!user) throw new AppError("not_found", `No user ${value}: give a WorkOS user id (user_…), a local user id or an email`);
  if (!user.workosUserId) throw new AppError("invalid_input", `User ${user.email} is not linked to a WorkOS user, so has no AuthKit tokens`);
  return user.workosUserId;
}
