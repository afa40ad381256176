import { appendAudit } from "@/lib/audit";
import { db, type Tx } from "@/lib/db/client";
import { env } from "@/lib/env";

/**
 * What the sweeper deletes, and why each is safe to delete once `expiresAt` is more than the grace period behind us:
 * - authorization and device codes: an expired one is refused whatever its row says;
 * - access-token rows: the JWT is refused by `exp` (the clock-skew margins of the revocation view and of client
 *   deletion are 2 minutes, and the grace period is at least 5), so the row can no longer change any answer;
 * - refresh tokens, spent or not: a spent one must stay while it could still be replayed, since replaying it is how
 *   reuse is detected and its grant revoked; once expired, a replay is refused as expired anyway;
 * - used assertion ids (client assertions, ID-JAGs): an expired assertion is refused by `exp` before its id is looked up.
 */
const ARTEFACTS = [
  { table: "AuthorizationCode", id: "codeHash", label: "authorization codes" },
  { table: "DeviceCode", id: "deviceCodeHash", label: "device codes" },
  { table: "AccessToken", id: "jti", label: "access-token rows" },
  { table: "RefreshToken", id: "tokenHash", label: "refresh tokens" },
  { table: "UsedAssertion", id: "key", label: "used assertion ids" },
] as const;

type Artefact = (typeof ARTEFACTS)[number]["table"];
export type SweepCounts = Record<Artefact, number>;

/** At most this many batches of each kind per sweep, so one sweep stays short; the next sweep takes the rest. */
const MAX_ROUNDS = 10;

// Prisma stores DateTime as UTC `timestamp(3)`: the cut-off is converted the same way, whatever the session time zone.
const deleteExpired = (table: string, id: string) => `
  DELETE FROM "${table}" WHERE "${id}" IN (
    SELECT "${id}" FROM "${table}" WHERE "expiresAt" < ($1::timestamptz AT TIME ZONE 'UTC')
    ORDER BY "expiresAt" LIMIT $2::int FOR UPDATE SKIP LOCKED)`;

async function sweepRound(tx: Tx, cutoff: Date, batch: number): Promise<SweepCounts> {
  const counts = {} as SweepCounts;
  // One statement at a time: a transaction is one connection.
  for (const { table, id } of ARTEFACTS) counts[table] = await tx.$executeRawUnsafe(deleteExpired(table, id), cutoff.toISOString(), batch);
  return counts;
}

/**
 * Deletes expired codes and tokens in bounded batches (`DELETE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP
 * LOCKED)`), so every instance may sweep at once without waiting on each other or deleting a row twice. Each batch and
 * its `maintenance.swept` audit event commit together; a batch that removed nothing writes no event.
 */
export async function sweepExpiredArtefacts(options: { now?: Date; graceSeconds?: number; batch?: number } = {}): Promise<SweepCounts> {
  const config = env().sweep;
  const now = options.now ?? new Date();
  const graceSeconds = options.graceSeconds ?? config.graceSeconds;
  const batch = options.batch ?? config.batch;
  const cutoff = new Date(now.getTime() - graceSeconds * 1000);
  const total = Object.fromEntries(ARTEFACTS.map((a) => [a.table, 0])) as SweepCounts;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const counts = await db().$transaction(async (tx) => {
      const removed = await sweepRound(tx, cutoff, batch);
      const parts = ARTEFACTS.filter((a) => removed[a.table] > 0).map((a) => `${removed[a.table]} ${a.label}`);
      if (parts.length > 0) {
        await appendAudit(tx, [
          {
            kind: "maintenance.swept",
            actor: "system",
            reason: `swept ${parts.join(", ")} expired before ${cutoff.toISOString()}`,
            detail: { removed, expiredBefore: cutoff.toISOString(), graceSeconds },
          },
        ]);
      }
      return removed;
    });
    for (const a of ARTEFACTS) total[a.table] += counts[a.table];
    if (ARTEFACTS.every((a) => counts[a.table] < batch)) break;
  }
  return total;
}
