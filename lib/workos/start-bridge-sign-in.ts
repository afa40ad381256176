import { recordAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import { describeIssues } from "@/lib/errors";
import { addressBucket, hitRateLimit, LIMITS } from "@/lib/rate-limit";
import { signedInUser } from "@/lib/auth/signed-in-user";
import { externalAuthIdSchema, externalAuthRef } from "@/lib/workos/external-auth-id";

export type BridgeStart =
  | { outcome: "not_bridge" }
  | { outcome: "rate_limited"; retryAfter: number }
  | { outcome: "invalid"; message: string }
  | { outcome: "redirect"; location: string; signedIn: boolean };

/**
 * Bridge mode, the Login URI's first step (`/authkit/login?external_auth_id=…`, where AuthKit sends the browser):
 * checks the identifier, audits the arrival, and sends the person to sign in to Portcullis first if they have not,
 * then to the page where they confirm continuing to AuthKit. Nothing is sent to WorkOS yet.
 */
export async function startBridgeSignIn(rawExternalAuthId: string | null, request: { ip: string | null; requestId: string | null }): Promise<BridgeStart> {
  if (env().issuerMode !== "bridge") return { outcome: "not_bridge" };
  // The Login URI is public: bound how often one address bucket may hit it (and write audit events).
  const hit = await hitRateLimit(LIMITS.bridgeLoginAddress, addressBucket(request.ip));
  if (!hit.allowed) return { outcome: "rate_limited", retryAfter: hit.retryAfter };
  const user = await signedInUser();
  const audit = { actor: user ? `user:${user.id}` : "anonymous", subject: user?.id ?? null, ip: request.ip, requestId: request.requestId };
  const parsed = externalAuthIdSchema.safeParse(rawExternalAuthId ?? undefined);
  if (!parsed.success) {
    const message = describeIssues(parsed.error.issues);
    await recordAudit({ kind: "bridge.failed", ...audit, reason: `Login URI called with a bad external_auth_id: ${message}` });
    return { outcome: "invalid", message };
  }
  const next = `/authkit/continue?${new URLSearchParams({ external_auth_id: parsed.data })}`;
  await recordAudit({
    kind: "bridge.started",
    ...audit,
    reason: user ? `AuthKit sign-in started for user ${user.email}` : "AuthKit sign-in started; Portcullis sign-in required",
    detail: { externalAuthRef: externalAuthRef(parsed.data), signedIn: user !== null },
  });
  return user
    ? { outcome: "redirect", location: next, signedIn: true }
    : { outcome: "redirect", location: `/login?${new URLSearchParams({ from: next })}`, signedIn: false };
}
