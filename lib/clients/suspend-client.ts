import type { AuditContext } from "@/lib/audit";
import { changeClientStatus, TRANSITIONS, type ClientStatusChange } from "@/lib/clients/change-client-status";

/** Suspends an active client: every grant it holds is revoked at once, and it obtains no token until reactivated. */
export function suspendClient(clientId: string, reason: string, ctx: AuditContext): Promise<ClientStatusChange> {
  return changeClientStatus(clientId, TRANSITIONS.suspend, reason, ctx);
}
