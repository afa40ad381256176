import type { AuditContext } from "@/lib/audit";
import { changeClientStatus, TRANSITIONS, type ClientStatusChange } from "@/lib/clients/change-client-status";
import { AppError } from "@/lib/errors";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import { checkServiceClientScopes } from "@/lib/privilege/privilege-rules";
import { lockPrivilegeView, recordPrivilegeRefusal } from "@/lib/privilege/privileged-change";

export interface ApproveClientOptions {
  /** Replaces the client's scope allow-list. Every scope must exist. */
  scopes?: string[];
  /** A service identity (user of kind `service`, by email or id) the client acts as with client_credentials. */
  serviceUser?: string;
}

/**
 * Approves a pending client so it can obtain tokens. A client that uses client_credentials must be bound to a service
 * identity whose roles limit what it may do (DESIGN §3). Approving a client bound to a service identity hands that
 * identity's scopes (within the allow-list) to whoever holds the client's credentials: the approver must hold them
 * (privilege rule `beyond_own_scopes`; a refusal is recorded as `console.denied`).
 */
export async function approveClient(clientId: string, reason: string, ctx: AuditContext, options: ApproveClientOptions = {}): Promise<ClientStatusChange> {
  try {
    return await approve(clientId, reason, ctx, options);
  } catch (error) {
    await recordPrivilegeRefusal(error, ctx);
    throw error;
  }
}

function approve(clientId: string, reason: string, ctx: AuditContext, options: ApproveClientOptions): Promise<ClientStatusChange> {
  return changeClientStatus(clientId, TRANSITIONS.approve, reason, ctx, async (tx) => {
    const client = await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: { name: true, grantTypes: true, allowedScopes: true, serviceUserId: true } });
    const detail: Record<string, unknown> = {};
    let scopes = client.allowedScopes;
    if (options.scopes) {
      const wanted = [...new Set(options.scopes)];
      const known = new Set((await tx.scope.findMany({ where: { name: { in: wanted } }, select: { name: true } })).map((s) => s.name));
      const unknown = wanted.filter((s) => !known.has(s));
      if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
      detail.previousScopes = client.allowedScopes;
      scopes = wanted;
    }
    let serviceUserId = client.serviceUserId;
    if (options.serviceUser) {
      const user = await tx.user.findFirst({ where: { OR: [{ email: options.serviceUser.toLowerCase() }, { id: options.serviceUser }] } });
      if (!user) throw new AppError("not_found", `No user ${options.serviceUser}.`);
      if (user.kind !== "service") throw new AppError("invalid_input", `${user.email} is a person, not a service identity; create one with users create --service.`);
      serviceUserId = user.id;
      detail.serviceUser = user.email;
    }
    if (client.grantTypes.includes(GRANT_TYPES.clientCredentials) && !serviceUserId) {
      throw new AppError("invalid_input", "This client uses client_credentials: bind it to a service identity (--service-user).");
    }
    if (serviceUserId) {
      const { view, actor } = await lockPrivilegeView(tx, ctx);
      const service = await view.user(serviceUserId);
      if (service) checkServiceClientScopes(actor, { id: clientId, name: client.name }, service, scopes);
    }
    await tx.client.update({ where: { id: clientId }, data: { allowedScopes: scopes, serviceUserId } });
    return { scopes, detail: { allowedScopes: scopes, ...detail } };
  });
}
