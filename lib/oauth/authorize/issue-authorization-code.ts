import { appendAudit, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { authorizationResponseUrl } from "@/lib/oauth/authorize/authorization-response-url";
import type { ValidAuthorizationRequest } from "@/lib/oauth/authorize/validate-authorization-request";
import { AUTHORIZATION_CODE_TTL_SECONDS } from "@/lib/oauth/constants";
import { CREDENTIAL_PREFIX, generateCredential, hashCredential } from "@/lib/oauth/secrets";

/**
 * Issues an authorization code for scopes the user granted (or had already granted), remembers the consent for this
 * user and client (bound to the scopes and the redirect URI it was given for), and returns the redirect back to the client. The code is stored only as a hash and bound to the
 * client, the redirect URI, the PKCE challenge and the resource.
 */
export async function issueAuthorizationCode(input: {
  request: ValidAuthorizationRequest;
  userId: string;
  scopes: string[];
  remembered: boolean;
  ctx: AuditContext;
}): Promise<string> {
  const { request, userId, scopes, remembered, ctx } = input;
  const code = generateCredential(CREDENTIAL_PREFIX.authorizationCode);
  const now = new Date();
  await db().$transaction(async (tx) => {
    await tx.authorizationCode.create({
      data: {
        codeHash: hashCredential(code),
        clientId: request.client.id,
        userId,
        redirectUri: request.redirectUri,
        codeChallenge: request.codeChallenge,
        scopes,
        resource: request.resource,
        expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
      },
    });
    if (!remembered) {
      // The latest decision is what is remembered: a scope the user unticked is asked about again next time.
      await tx.consent.upsert({
        where: { userId_clientId: { userId, clientId: request.client.id } },
        create: { userId, clientId: request.client.id, scopes, redirectUri: request.redirectUri },
        update: { scopes, redirectUri: request.redirectUri },
      });
    }
    await appendAudit(tx, [
      {
        kind: "authorization.granted",
        actor: ctx.actor,
        subject: userId,
        clientId: request.client.id,
        scopes,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `${remembered ? "remembered consent" : "user consented"}: authorization code for ${request.client.name} to ${new URL(request.redirectUri).host}`,
        detail: { redirectUri: request.redirectUri, requested: request.requestedScopes, remembered },
      },
    ]);
  });
  return authorizationResponseUrl(request.redirectUri, { code }, request.state);
}
