import { randomUUID } from "node:crypto";
import type { AuditContext } from "@/lib/audit";
import type { Client } from "@/lib/clients/find-client";
import { db } from "@/lib/db/client";
import { consumeAndIssue } from "@/lib/issuance/consume-and-issue";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { revokeForReuse } from "@/lib/grants/revoke-for-reuse";
import { GRANT_TYPES } from "@/lib/oauth/constants";
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, InvalidTarget, SlowDown } from "@/lib/oauth/errors";
import { currentUserScopes } from "@/lib/oauth/grant-types/current-user-scopes";
import { matchesResource } from "@/lib/oauth/resource";
import { intersectScopes } from "@/lib/oauth/scopes";
import { hashCredential } from "@/lib/oauth/secrets";
import type { TokenRequestOf } from "@/lib/oauth/token-endpoint/token-request-schema";

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval for this and every later request. */
const SLOW_DOWN_STEP_SECONDS = 5;

/**
 * The device code grant (RFC 8628 §3.4–3.5): answered `authorization_pending` until the user decides, `slow_down` when
 * polled faster than the interval, `access_denied` when the user refused, `expired_token` after the code's lifetime,
 * and tokens exactly once after approval.
 */
export async function exchangeDeviceCode(
  params: TokenRequestOf<typeof GRANT_TYPES.deviceCode>,
  client: Client,
  ctx: AuditContext,
): Promise<IssuedTokens> {
  const deviceCodeHash = hashCredential(params.device_code);
  const device = await db().deviceCode.findUnique({ where: { deviceCodeHash } });
  if (!device) throw new InvalidGrant("The device code is invalid.");
  if (device.clientId !== client.id) throw new InvalidGrant("The device code was issued to another client.");
  const reused = async (): Promise<never> => {
    await revokeForReuse({
      credential: "device code",
      grantId: async (tx) => (await tx.deviceCode.findUnique({ where: { deviceCodeHash }, select: { grantId: true } }))?.grantId ?? null,
      clientId: device.clientId,
      userId: device.userId,
      ctx,
    });
    throw new InvalidGrant("The device code has already been exchanged; the tokens issued from it are revoked.");
  };
  if (device.status === "used") return reused();
  const now = new Date();
  if (device.expiresAt.getTime() <= now.getTime()) throw new ExpiredToken("The device code has expired; start again.");
  if (params.resource !== undefined && !matchesResource(params.resource, device.resource)) {
    throw new InvalidTarget(`The device code was issued for ${device.resource}.`);
  }
  if (device.status === "denied") throw new AccessDenied("The user denied the request.");
  if (device.status === "pending") {
    const tooSoon = device.lastPolledAt !== null && now.getTime() - device.lastPolledAt.getTime() < device.interval * 1000;
    await db().deviceCode.update({
      where: { deviceCodeHash },
      data: { lastPolledAt: now, ...(tooSoon ? { interval: device.interval + SLOW_DOWN_STEP_SECONDS } : {}) },
    });
    if (tooSoon) throw new SlowDown(`Polling too fast; wait at least ${device.interval + SLOW_DOWN_STEP_SECONDS} seconds between requests.`);
    throw new AuthorizationPending("The user has not answered yet.");
  }

  const userId = device.userId!;
  const scopes = intersectScopes(device.grantedScopes, await currentUserScopes(userId), client.allowedScopes);
  if (scopes.length === 0) throw new InvalidGrant("None of the approved scopes is still available to this user and client.");
  const grantId = randomUUID();
  const withRefresh = client.grantTypes.includes(GRANT_TYPES.refreshToken);
  const prepared = await prepareTokens({
    grantId,
    subject: userId,
    clientId: client.id,
    scopes,
    resource: device.resource,
    refreshScopes: withRefresh ? scopes : undefined,
  });
  return consumeAndIssue({
    consume: async (tx) =>
      (await tx.deviceCode.updateMany({ where: { deviceCodeHash, status: "approved" }, data: { status: "used", grantId, lastPolledAt: now } })).count === 1,
    grant: { create: { id: grantId, userId, clientId: client.id, scopes, resource: device.resource, grantType: GRANT_TYPES.deviceCode } },
    prepared,
    ctx,
    clientId: client.id,
    event: (issued) => ({
      kind: "token.issued",
      subject: userId,
      reason: `access token${withRefresh ? " and refresh token" : ""} issued to ${client.name} for an approved device code`,
      detail: { grantId, jti: issued.jti, grantType: GRANT_TYPES.deviceCode, expiresIn: issued.expiresIn },
    }),
    spentMeanwhile: reused,
  });
}
