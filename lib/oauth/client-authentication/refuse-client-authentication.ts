import { recordAudit, type AuditContext } from "@/lib/audit";
import { logger } from "@/lib/logger";
import { InvalidClient } from "@/lib/oauth/errors";
import { addressBucket, hitRateLimit, LIMITS } from "@/lib/rate-limit";

/** RFC 6749 §5.2's own words: the one public answer to every failed client authentication. */
export const CLIENT_AUTHENTICATION_FAILED = "Client authentication failed.";

const MAX_RECORDED_CLIENT_ID = 200;

/**
 * Records why a client failed to authenticate — in the log line and a `client.authentication_failed` audit event —
 * and returns the `invalid_client` error to throw, whose description never says why: "unknown client", "wrong
 * method" and "wrong secret" look the same from outside, so client ids cannot be probed.
 */
export async function refuseClientAuthentication(
  reason: string,
  attempt: { clientId: string | null; basic: boolean; known?: boolean },
  ctx: AuditContext,
): Promise<InvalidClient> {
  const clientId = attempt.clientId === null ? null : attempt.clientId.slice(0, MAX_RECORDED_CLIENT_ID);
  logger.warn("client authentication failed", { reason, clientId, ip: ctx.ip ?? null, requestId: ctx.requestId ?? null });
  try {
    // An unauthenticated caller must not be able to fill the audit trail: past LIMITS.clientAuthenticationAudited
    // refusals from one address bucket, the rest are logged and summarised once per window.
    const audited = await hitRateLimit(LIMITS.clientAuthenticationAudited, addressBucket(ctx.ip));
    if (audited.allowed) {
      await recordAudit({
        kind: "client.authentication_failed",
        actor: "anonymous",
        // Only a registered client's id goes in the indexed column; a made-up one stays in the detail.
        clientId: attempt.known ? clientId : null,
        reason,
        ip: ctx.ip ?? null,
        requestId: ctx.requestId ?? null,
        detail: { presentedClientId: clientId },
      });
    }
  } catch (error) {
    // The request is refused either way; a lost audit record of a refusal is logged, not turned into a 500.
    logger.error("could not record a failed client authentication", { error, clientId });
  }
  return new InvalidClient(CLIENT_AUTHENTICATION_FAILED, { basic: attempt.basic });
}
