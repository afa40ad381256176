/** Who is making a change, and from where: carried into every audit event the change writes. */
export interface AuditContext {
  /** `user:<id>`, `client:<id>`, `cli` or `system`. */
  actor: string;
  ip?: string | null;
  requestId?: string | null;
}

export const CLI_CONTEXT: AuditContext = { actor: "cli" };
export const SYSTEM_CONTEXT: AuditContext = { actor: "system" };

export function userActor(userId: string): string {
  return `user:${userId}`;
}
