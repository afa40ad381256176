import type { AuditContext } from "@/lib/audit";
import { changeClientStatus, TRANSITIONS, type ClientStatusChange } from "@/lib/clients/change-client-status";

/** Suspends an active client: its tokens are refused and it obtains none until reactivated; its grants are kept. */
export function suspendClient(clientId: string, reason: string, ctx: AuditContext): Promise<ClientStatusChange> {
  return changeClientStatus(clientId, TRANSITIONS.suspend, reason, ctx);
}
