import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { env } from "@/lib/env";
import { authenticateClient } from "@/lib/oauth/client-authentication/authenticate-client";
import { DEVICE_CODE_TTL_SECONDS, DEVICE_POLL_INTERVAL_SECONDS, ENDPOINT_PATHS, GRANT_TYPES } from "@/lib/oauth/constants";
import { InvalidScope, InvalidTarget, noStoreJson, TooManyRequests, UnauthorizedClient } from "@/lib/oauth/errors";
import { clientIp, requestId } from "@/lib/http/client-address";
import { formatUserCode, generateUserCode } from "@/lib/oauth/device/user-code";
import { readFormBody } from "@/lib/oauth/http/read-body";
import { resolveProtectedResource } from "@/lib/gateway/resolve-protected-resource";
import { parseScopeParameter } from "@/lib/oauth/scopes";
import { CREDENTIAL_PREFIX, generateCredential, hashCredential } from "@/lib/oauth/secrets";
import { policySnapshot } from "@/lib/policy/policy-snapshot";
import { addressBucket, hitRateLimit, LIMITS, type LimitRule } from "@/lib/rate-limit";

/**
 * POST /oauth/device_authorization (RFC 8628 §3.1–3.2): an active client that registered the device grant gets a
 * device code (stored hashed) to poll with and a user code for the person to enter at the verification page. Requests
 * are counted per address bucket (before anything else) and per client: each one stores a row and hands out a code
 * that widens what a guesser may hit (RFC 8628 §5.1–5.2); past either limit, 429 `temporarily_unavailable`.
 */
export async function handleDeviceAuthorizationRequest(request: Request): Promise<Response> {
  const ctx: AuditContext = { actor: "anonymous", ip: clientIp(request.headers), requestId: requestId(request.headers) };
  await countRequest(LIMITS.deviceAuthorizationAddress, addressBucket(ctx.ip), "this address");
  const form = await readFormBody(request);
  const { client } = await authenticateClient(request, form, ctx);
  if (!client.grantTypes.includes(GRANT_TYPES.deviceCode)) throw new UnauthorizedClient("This client did not register the device code grant.");
  await countRequest(LIMITS.deviceAuthorizationClient, client.id, "this client");
  const { issuer, mcpResource } = env();
  // RFC 8707: /mcp or a registered upstream server's /mcp/<name> (DESIGN §10), exactly as the other grants resolve it.
  const resource = await resolveProtectedResource(form.resource);
  if (!resource) throw new InvalidTarget(`This server issues tokens only for ${mcpResource} and its registered MCP servers (${issuer}/mcp/<name>).`);
  const requested = parseScopeParameter(form.scope);
  const known = (await policySnapshot()).scopes;
  const unknown = requested.filter((s) => !known.has(s));
  if (unknown.length > 0) throw new InvalidScope(`Unknown scope: ${unknown.join(", ")}.`);

  const deviceCode = generateCredential(CREDENTIAL_PREFIX.deviceCode);
  const expiresAt = new Date(Date.now() + DEVICE_CODE_TTL_SECONDS * 1000);
  let userCode = "";
  for (let attempt = 0; ; attempt++) {
    userCode = generateUserCode();
    try {
      await db().deviceCode.create({
        data: {
          deviceCodeHash: hashCredential(deviceCode),
          userCode,
          clientId: client.id,
          scopes: requested.length > 0 ? requested : client.allowedScopes,
          resource,
          interval: DEVICE_POLL_INTERVAL_SECONDS,
          expiresAt,
        },
      });
      break;
    } catch (error) {
      // A live user code collided (1 in 2.5·10¹⁰ per pair): draw another.
      const collision = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!collision || attempt >= 4) throw error;
    }
  }
  const verification = `${issuer}${ENDPOINT_PATHS.deviceVerification}`;
  return noStoreJson({
    device_code: deviceCode,
    user_code: formatUserCode(userCode),
    verification_uri: verification,
    verification_uri_complete: `${verification}?user_code=${formatUserCode(userCode)}`,
    expires_in: DEVICE_CODE_TTL_SECONDS,
    interval: DEVICE_POLL_INTERVAL_SECONDS,
  });
}

async function countRequest(rule: LimitRule, key: string, who: string): Promise<void> {
  const hit = await hitRateLimit(rule, key);
  if (!hit.allowed) throw new TooManyRequests(`Too many device authorization requests from ${who}; retry in ${hit.retryAfter} seconds.`, hit.retryAfter);
}
