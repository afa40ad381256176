import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { createSigningKey } from "@/lib/keys/create-signing-key";
import { tokenLifetimes } from "@/lib/settings/token-lifetimes";

// Covers clock skew between instances and a token minted just before the rotation committed.
const PUBLISH_MARGIN_SECONDS = 60;

/**
 * Makes a new key the signing key. The previous key stays published (so its tokens keep verifying) until the last
 * token it could have signed has expired: the later of the newest recorded token's expiry (tokens issued under an
 * earlier, longer lifetime setting included) and a token minted now under the current lifetime — plus a margin.
 */
export async function rotateSigningKeys(ctx: AuditContext): Promise<{ kid: string; retired: string[]; publishUntil: Date }> {
  // Read before the transaction: the embedded database serves one connection at a time.
  const { accessTokenSeconds } = await tokenLifetimes();
  return changeTransaction(["keys"], async (tx) => {
    const now = new Date();
    const previous = await tx.signingKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
    const newest = await tx.accessToken.aggregate({ _max: { expiresAt: true } });
    const lastExpiry = Math.max(now.getTime() + accessTokenSeconds * 1000, newest._max.expiresAt?.getTime() ?? 0);
    const publishUntil = new Date(lastExpiry + PUBLISH_MARGIN_SECONDS * 1000);
    await tx.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: now, publishUntil } });
    const { kid } = await createSigningKey(tx);
    const retired = previous.map((k) => k.kid);
    await appendAudit(tx, [
      {
        kind: "key.rotated",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `signing key ${kid} active; ${retired.join(", ") || "no key"} retired, published until ${publishUntil.toISOString()}`,
        detail: { kid, retired, publishUntil: publishUntil.toISOString() },
      },
    ]);
    return { kid, retired, publishUntil };
  });
}
