import type { AuditContext } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";
import { linkWorkosUser, type WorkosProfile } from "@/lib/workos/link-workos-user";
import { InvalidAuthkitToken } from "@/lib/workos/verify-authkit-token";
import { workosClient } from "@/lib/workos/workos-client";
import { workosFailure } from "@/lib/workos/workos-failure";
import { workosUserIndex } from "@/lib/workos/workos-user-index";

// A WorkOS user Portcullis could not place is not looked up again for a minute: no WorkOS call per request.
const UNKNOWN_TTL_MS = 60_000;
const unknown = processState("workos-unknown-users", () => new Map<string, number>());

async function fetchProfile(workosUserId: string): Promise<WorkosProfile | null> {
  try {
    const user = await workosClient().userManagement.getUser(workosUserId);
    return {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerified,
      firstName: user.firstName ?? null,
      lastName: user.lastName ?? null,
      externalId: user.externalId ?? null,
    };
  } catch (error) {
    const failure = workosFailure(error);
    if (failure.status === 404) return null;
    logger.warn("WorkOS user lookup failed", { workosUserId, status: failure.status, message: failure.message });
    throw new AppError("unavailable", "WorkOS cannot be reached to identify this user right now. Try again shortly.");
  }
}

/**
 * The local user behind an AuthKit token's `sub` (a WorkOS user id), so the local policy model applies to them.
 * Linked users come from memory. A WorkOS user seen for the first time is placed once, by issuer mode:
 *  - bridge: only the local user that signed in through the Login URI (the `external_id` Portcullis gave WorkOS);
 *    anyone else is refused — in bridge mode Portcullis is the only way into AuthKit.
 *  - authkit: an existing human user with the same verified email at a domain an admin listed for automatic linking,
 *    unless that account holds iam_admin or a write scope (then nobody, until an admin links it); else a new user with
 *    no roles (their access comes from mapped WorkOS roles and whatever an admin grants them). Without an API key there
 *    is no profile to match, so the new user gets an undeliverable placeholder address.
 */
export async function resolveAuthkitUser(workosUserId: string, ctx: AuditContext): Promise<string> {
  const linked = (await workosUserIndex()).get(workosUserId);
  if (linked) return linked;
  const refusedAt = unknown.get(workosUserId);
  if (refusedAt !== undefined && Date.now() - refusedAt < UNKNOWN_TTL_MS) {
    throw new InvalidAuthkitToken(`WorkOS user ${workosUserId} is not a Portcullis user`);
  }
  const config = env();
  const bridge = config.issuerMode === "bridge";
  const profile: WorkosProfile | null = config.workos.apiKey
    ? await fetchProfile(workosUserId)
    : { id: workosUserId, email: "", emailVerified: false, firstName: null, lastName: null, externalId: null };
  const outcome = profile
    ? await linkWorkosUser(profile, bridge ? { match: ["external_id"], create: false } : { match: ["verified_email"], create: true }, ctx)
    : null;
  if (!outcome) {
    if (unknown.size > 10_000) unknown.clear();
    unknown.set(workosUserId, Date.now());
    throw new InvalidAuthkitToken(`WorkOS user ${workosUserId} is not a Portcullis user`);
  }
  unknown.delete(workosUserId);
  return outcome.userId;
}
