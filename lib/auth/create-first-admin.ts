import { changeTransaction } from "@/lib/changes/change-transaction";
import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { setupTokenMatches, setupTokenRequired, spendSetupToken } from "@/lib/auth/setup-token";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { ADMIN_ROLE } from "@/lib/policy/catalog";
import { createUserInTx, prepareUser, type CreatedUser } from "@/lib/users/create-user";

const SETUP_LOCK = 7_207_369_004;

/** True while no user exists: the only time the first-run setup page is open. */
export async function needsSetup(): Promise<boolean> {
  return (await db().user.count()) === 0;
}

export const SETUP_TOKEN_REFUSED = "The setup token is missing or wrong. It is printed on the Portcullis server's console at start (a restart prints a new one).";

/**
 * First-run setup: creates the first iam_admin, once. Two racing setups cannot both succeed: the check and the insert
 * happen under one lock. When Portcullis listens beyond loopback, the one-time setup token from the console is needed
 * too (checked first, spent on success).
 */
export async function createFirstAdmin(
  input: { email: unknown; name: unknown; password: unknown; setupToken?: unknown },
  ctx: Omit<AuditContext, "actor">,
): Promise<CreatedUser> {
  const tokenRequired = setupTokenRequired();
  if (tokenRequired && !setupTokenMatches(input.setupToken)) {
    logger.warn("first-run setup refused: setup token missing or wrong", { ip: ctx.ip ?? null, requestId: ctx.requestId ?? null });
    throw new AppError("forbidden", SETUP_TOKEN_REFUSED);
  }
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
  if (tokenRequired) spendSetupToken();
  return user;
}
