import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { hitRateLimit, LIMITS } from "@/lib/rate-limit";

// New clients are created on first sight, so a burst of unknown client ids could fill the review queue: at most
// LIMITS.authkitFirstSight a minute across the deployment; beyond it the token is refused (fail closed) until the
// minute has passed.

export interface FirstSight {
  clientId: string;
  /** The WorkOS user whose token named the client. */
  subject: string;
  scopes: string[];
  organizationId: string | null;
}

/**
 * Records a client seen for the first time in an AuthKit token: `source authkit`, `pending`, no allowed scopes — it
 * appears in the review queue and every call through it is denied until an admin approves it. Idempotent under
 * concurrency (INSERT … ON CONFLICT DO NOTHING): of racing first calls, exactly one creates the client and audits it.
 */
export async function registerAuthkitClient(sight: FirstSight, ctx: AuditContext): Promise<{ created: boolean }> {
  if (!(await hitRateLimit(LIMITS.authkitFirstSight, "all")).allowed) {
    throw new AppError("rate_limited", "Too many new AuthKit clients at once; try again in a minute.");
  }
  return changeTransaction(["policy"], async (tx) => {
    const created = await tx.client.createMany({
      data: [
        {
          id: sight.clientId,
          name: sight.clientId,
          status: "pending",
          source: "authkit",
          statusReason: "first seen in an AuthKit token; waiting for approval",
          redirectUris: [],
          grantTypes: [],
          responseTypes: [],
          requestedScopes: sight.scopes,
          allowedScopes: [],
          metadata: { firstSeen: { workosUserId: sight.subject, organizationId: sight.organizationId } },
          registrationIp: ctx.ip ?? null,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) return { created: false };
    await appendAudit(tx, [
      {
        kind: "client.registered",
        actor: ctx.actor,
        clientId: sight.clientId,
        ip: ctx.ip,
        requestId: ctx.requestId,
        scopes: sight.scopes,
        reason: `client ${sight.clientId} first seen in an AuthKit token; pending approval`,
        detail: { source: "authkit", workosUserId: sight.subject, organizationId: sight.organizationId },
      },
    ]);
    return { created: true };
  });
}
