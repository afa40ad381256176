import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { checkServiceClientScopes } from "@/lib/privilege/privilege-rules";
import { lockPrivilegeView, recordPrivilegeRefusal } from "@/lib/privilege/privileged-change";

export interface ClientScopesChange {
  clientId: string;
  name: string;
  scopes: string[];
  added: string[];
  removed: string[];
}

/**
 * Replaces a client's scope allow-list — the most it may ever receive, whoever authorizes it. The allow-list is policy:
 * a scope removed here is refused at /mcp from the next call, even in tokens issued before (DESIGN §1: token.scope ∩
 * roles ∩ client allow-list). A rejected client never obtains a token, so its list is not edited. Widening the list of
 * a client bound to a service identity hands it more of that identity's scopes: only someone holding them may.
 */
export async function updateClientScopes(clientId: string, scopes: readonly string[], ctx: AuditContext, reason?: string): Promise<ClientScopesChange> {
  try {
    return await update(clientId, scopes, ctx, reason);
  } catch (error) {
    await recordPrivilegeRefusal(error, ctx);
    throw error;
  }
}

function update(clientId: string, scopes: readonly string[], ctx: AuditContext, reason?: string): Promise<ClientScopesChange> {
  const wanted = [...new Set(scopes.map((s) => s.trim()).filter(Boolean))].sort();
  const note = reason?.trim() ?? "";
  if (note.length > 500) throw new AppError("invalid_input", "Keep the reason under 500 characters.");
  return changeTransaction(["policy"], async (tx) => {
    const client = await tx.client.findUnique({ where: { id: clientId }, select: { id: true, name: true, status: true, allowedScopes: true, serviceUserId: true } });
    if (!client) throw new AppError("not_found", `No client ${clientId}.`);
    if (client.status === "rejected") throw new AppError("conflict", `Client ${client.name} is rejected; it will never receive a token.`);
    const known = new Set((await tx.scope.findMany({ where: { name: { in: wanted } }, select: { name: true } })).map((s) => s.name));
    const unknown = wanted.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new AppError("invalid_input", `Unknown scope: ${unknown.join(", ")}`);
    const added = wanted.filter((s) => !client.allowedScopes.includes(s));
    const removed = client.allowedScopes.filter((s) => !wanted.includes(s)).sort();
    if (added.length === 0 && removed.length === 0) return { clientId, name: client.name, scopes: wanted, added, removed };
    if (client.serviceUserId && added.length > 0) {
      const { view, actor } = await lockPrivilegeView(tx, ctx);
      const service = await view.user(client.serviceUserId);
      if (service) checkServiceClientScopes(actor, client, service, added);
    }
    await tx.client.update({ where: { id: clientId }, data: { allowedScopes: wanted } });
    const change = [added.length ? `added ${added.join(", ")}` : "", removed.length ? `removed ${removed.join(", ")}` : ""].filter(Boolean).join("; ");
    await appendAudit(tx, [
      {
        kind: "client.updated",
        actor: ctx.actor,
        clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: wanted,
        reason: `client ${client.name} allowed scopes ${change}${note ? `: ${note}` : ""}`,
        detail: { field: "allowedScopes", previous: client.allowedScopes, allowedScopes: wanted, added, removed, ...(note ? { reason: note } : {}) },
      },
    ]);
    return { clientId, name: client.name, scopes: wanted, added, removed };
  });
}
