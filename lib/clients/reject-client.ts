import type { AuditContext } from "@/lib/audit";
import { changeClientStatus, TRANSITIONS, type ClientStatusChange } from "@/lib/clients/change-client-status";

/** Rejects a pending client: it never obtains a token. Its registration stays for the record. */
export function rejectClient(clientId: string, reason: string, ctx: AuditContext): Promise<ClientStatusChange> {
  return changeClientStatus(clientId, TRANSITIONS.reject, reason, ctx);
}
