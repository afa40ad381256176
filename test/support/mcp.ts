import { randomUUID } from "node:crypto";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { BUILTIN_SCOPES } from "@/lib/policy/catalog";
import { mintAccessToken } from "@/lib/access-tokens/mint-access-token";

export interface IssuedTestToken {
  token: string;
  jti: string;
  grantId: string;
  clientId: string;
  expiresAt: Date;
}

/**
 * For tests and benchmarks only: what the authorization server does when it issues a token — an active client (created
 * if missing, with an allow-list), a grant for the user, the `AccessToken` row for the jti — and the JWT, minted with
 * the same code and keys the authorization server uses. Pass `grantId` to issue another token under an existing grant
 * (re-authorization with more scopes, as a step-up would).
 */
export async function issueTestToken(input: {
  userId: string;
  scopes: readonly string[];
  clientId?: string;
  clientName?: string;
  /** The client's allow-list when it is created; default every built-in scope. */
  allowedScopes?: readonly string[];
  grantId?: string;
  ttlSeconds?: number;
  /** The protected resource (token audience); default /mcp. */
  resource?: string;
}): Promise<IssuedTestToken> {
  const clientId = input.clientId ?? `test-client-${randomUUID()}`;
  const database = db();
  if (!(await database.client.findUnique({ where: { id: clientId }, select: { id: true } }))) {
    await changeTransaction(["policy"], (tx) =>
      tx.client.create({
        data: {
          id: clientId,
          name: input.clientName ?? clientId,
          status: "active",
          source: "manual",
          redirectUris: ["http://127.0.0.1/callback"],
          grantTypes: ["authorization_code", "refresh_token"],
          responseTypes: ["code"],
          requestedScopes: [...(input.allowedScopes ?? Object.keys(BUILTIN_SCOPES))],
          allowedScopes: [...(input.allowedScopes ?? Object.keys(BUILTIN_SCOPES))],
        },
      }),
    );
  }
  const grant = input.grantId
    ? await database.grant.update({ where: { id: input.grantId }, data: { scopes: [...input.scopes] } })
    : await database.grant.create({
        data: { userId: input.userId, clientId, scopes: [...input.scopes], resource: input.resource ?? env().mcpResource, grantType: "authorization_code" },
      });
  const minted = await mintAccessToken({ subject: input.userId, clientId, scopes: input.scopes, grantId: grant.id, ttlSeconds: input.ttlSeconds, resource: input.resource });
  await database.accessToken.create({ data: { jti: minted.jti, grantId: grant.id, scopes: [...input.scopes], expiresAt: minted.expiresAt } });
  return { token: minted.token, jti: minted.jti, grantId: grant.id, clientId, expiresAt: minted.expiresAt };
}
