import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import type { TrustedIdp } from "@/lib/db/generated/client";
import { processState } from "@/lib/process-state";

/** Trusted IdPs as last read, per `policy` version: adding or removing one bumps it, so a removal applies at once. */
const cache = processState("trusted-idps", () => ({ version: -1, byIssuer: new Map<string, TrustedIdp | null>() }));

/** The trusted identity provider whose issuer identifier is exactly `issuer`, or null. */
export async function findTrustedIdp(issuer: string): Promise<TrustedIdp | null> {
  if (issuer.length > 2000) return null;
  const version = topicVersion("policy");
  if (cache.version !== version) {
    cache.version = version;
    cache.byIssuer.clear();
  }
  if (cache.byIssuer.has(issuer)) return cache.byIssuer.get(issuer)!;
  const idp = await db().trustedIdp.findUnique({ where: { issuer } });
  if (topicVersion("policy") === version) {
    if (cache.byIssuer.size >= 1_000) cache.byIssuer.clear();
    cache.byIssuer.set(issuer, idp);
  }
  return idp;
}
