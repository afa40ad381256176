import { decodeJwt } from "jose";
import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { revokeAccessToken } from "@/lib/grants/revoke-access-token";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { clientIp, requestId } from "@/lib/http/client-address";
import { authenticateClient } from "@/lib/oauth/client-authentication/authenticate-client";
import { InvalidRequest, UnauthorizedClient } from "@/lib/oauth/errors";
import { readFormBody } from "@/lib/oauth/http/read-body";
import { CREDENTIAL_PREFIX, hashCredential } from "@/lib/oauth/secrets";
import { InvalidAccessToken, verifyAccessToken } from "@/lib/access-tokens/verify-access-token";

const OK = () => new Response(null, { status: 200, headers: { "Cache-Control": "no-store" } });

/**
 * POST /oauth/revoke (RFC 7009). A refresh token revokes its whole grant (§2.1: access tokens of the same grant go
 * too); an access token revokes itself. Unknown, malformed or expired tokens are answered 200 (§2.2). A token issued to
 * another client is refused (§2.1). `token_type_hint` only speeds the lookup; the token's own form decides.
 */
export async function handleRevocationRequest(request: Request): Promise<Response> {
  const form = await readFormBody(request);
  const ctx: AuditContext = { actor: "anonymous", ip: clientIp(request.headers), requestId: requestId(request.headers) };
  const { client } = await authenticateClient(request, form, ctx, { requireActive: false });
  const caller: AuditContext = { ...ctx, actor: `client:${client.id}` };
  if (!form.token) throw new InvalidRequest("The token parameter is required.");
  const token = form.token;

  if (token.startsWith(CREDENTIAL_PREFIX.refreshToken)) {
    const stored = await db().refreshToken.findUnique({ where: { tokenHash: hashCredential(token) }, include: { grant: { select: { clientId: true } } } });
    if (!stored) return OK();
    if (stored.grant.clientId !== client.id) throw new UnauthorizedClient("This token was not issued to this client.");
    await revokeGrant(stored.grantId, caller, "refresh token revoked by its client");
    return OK();
  }

  let jti: string;
  try {
    // Expired or otherwise invalid access tokens need no revocation.
    jti = (await verifyAccessToken(token)).jti;
  } catch (error) {
    if (error instanceof InvalidAccessToken) return OK();
    throw error;
  }
  if (decodeJwt(token).client_id !== client.id) throw new UnauthorizedClient("This token was not issued to this client.");
  await revokeAccessToken(jti, "revoked by its client", caller);
  return OK();
}
