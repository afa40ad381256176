import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { authorizationResponseUrl } from "@/lib/oauth/authorize/authorization-response-url";
import type { ValidAuthorizationRequest } from "@/lib/oauth/authorize/validate-authorization-request";

/** The user declined (or could grant nothing): RFC 6749 §4.1.2.1 access_denied back to the client, audited. */
export async function denyAuthorization(request: ValidAuthorizationRequest, userId: string, why: string, ctx: AuditContext): Promise<string> {
  await db().$transaction((tx) =>
    appendAudit(tx, [
      {
        kind: "authorization.denied",
        actor: ctx.actor,
        subject: userId,
        clientId: request.client.id,
        scopes: request.requestedScopes,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `authorization for ${request.client.name} denied: ${why}`,
      },
    ]),
  );
  return authorizationResponseUrl(request.redirectUri, { error: "access_denied", error_description: why }, request.state);
}
