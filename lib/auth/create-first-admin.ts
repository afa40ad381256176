import { changeTransaction } from "@/lib/changes/change-transaction";
import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { createUserInTx, prepareUser, type CreatedUser } from "@/lib/users/create-user";

const SETUP_LOCK = 7_207_369_004;

/** True while no user exists: the only time the first-run setup page is open. */
export async function needsSetup(): Promise<boolean> {
  return (await db().user.count()) === 0;
}

/**
 * First-run setup: creates the first iam_admin, once. Two racing setups cannot both succeed: the check and the insert
 * happen under one lock.
 */
export async function createFirstAdmin(
  input: { email: unknown; name: unknown; password: unknown },
  ctx: Omit<AuditContext, "actor">,
): Promise<CreatedUser> {
  const prepared = await prepareUser({
    email: input.email as string,
    name: input.name as string,
    password: input.password as string,
    roles: [ADMIN_ROLE],
  });
  const user = await changeTransaction(["policy"], async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`);
    if ((await tx.user.count()) > 0) throw new AppError("conflict", "Portcullis is already set up. Sign in instead.");
    return createUserInTx(tx, prepared, { ...ctx, actor: "setup" });
  });
  return user;
}
