import { db } from "@/lib/db/client";
import { groupNearDuplicates, type DuplicateCandidate } from "@/lib/clients/near-duplicates";

// Enough to find look-alikes among every client a deployment plausibly has; the newest are compared first.
export const LOOK_ALIKE_CANDIDATES = 10_000;

/** Every client as the look-alike comparison needs it, newest first. */
export function loadLookAlikeCandidates(): Promise<DuplicateCandidate[]> {
  return db().client.findMany({
    orderBy: { createdAt: "desc" },
    take: LOOK_ALIKE_CANDIDATES,
    select: { id: true, name: true, status: true, source: true, redirectUris: true, softwareId: true, createdAt: true },
  });
}

/** The other registrations that look like `target`, whatever they share with it, newest first. */
export function findLookAlikes(target: DuplicateCandidate, candidates: readonly DuplicateCandidate[]): DuplicateCandidate[] {
  return groupNearDuplicates(target, candidates)
    .flatMap((g) => g.clients)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
