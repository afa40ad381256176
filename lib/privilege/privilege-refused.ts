import { AppError } from "@/lib/errors";

/**
 * The privilege rules, each one reason a change to what someone holds is refused:
 * - `own_access`: nobody changes their own roles, their own account's status, or a role they hold (directly or through
 *   inheritance) — another administrator must;
 * - `admin_only`: only an iam_admin gives, takes away or lets a role inherit iam_admin;
 * - `beyond_own_scopes`: nobody who is not an iam_admin gives, takes or moves scopes they do not hold themselves.
 */
export type PrivilegeRule = "own_access" | "admin_only" | "beyond_own_scopes";

/** A change refused by a privilege rule: 403 `privilege_escalation`, recorded as a `console.denied` audit event. */
export class PrivilegeRefused extends AppError {
  constructor(
    readonly rule: PrivilegeRule,
    message: string,
    readonly subject: string | null = null,
    readonly missingScopes: string[] = [],
  ) {
    super("privilege_escalation", message, { rule, ...(missingScopes.length ? { missingScopes } : {}) });
  }
}
