import type { AuditContext } from "@/lib/audit";
import { changeClientStatus, TRANSITIONS, type ClientStatusChange } from "@/lib/clients/change-client-status";

/** Reactivates a suspended client: the grants it held are honoured again. */
export function reactivateClient(clientId: string, reason: string, ctx: AuditContext): Promise<ClientStatusChange> {
  return changeClientStatus(clientId, TRANSITIONS.reactivate, reason, ctx);
}
