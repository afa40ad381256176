import { AppError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/policy/catalog";

// Raised by the database's last-admin guard (prisma/migrations/20261206020000_last_admin_guard).
const LAST_ADMIN = "portcullis_last_admin";

/** True when the database refused a change because it would leave no enabled iam_admin. */
export function isLastAdminRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth += 1) {
    const { message, meta, cause } = e as { message?: unknown; meta?: unknown; cause?: unknown };
    if (typeof message === "string" && message.includes(LAST_ADMIN)) return true;
    if (meta && JSON.stringify(meta).includes(LAST_ADMIN)) return true;
    e = cause;
  }
  return false;
}

/**
 * Runs a change that may remove an admin, turning the database's refusal into a 409 that says what to do: by default
 * that `email` is the last enabled iam_admin.
 */
export async function guardLastAdmin<T>(email: string, change: () => Promise<T>, message?: string): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (!isLastAdminRefusal(error)) throw error;
    throw new AppError("conflict", message ?? `${email} is the last enabled ${ADMIN_ROLE}; give the role to someone else first`);
  }
}
