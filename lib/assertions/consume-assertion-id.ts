import { createHash } from "node:crypto";
import { db } from "@/lib/db/client";
import { AssertionRejected } from "@/lib/assertions/assertion-rejected";

/**
 * Marks an assertion's `jti` used, across every instance, until the assertion expires (RFC 7523 §3 item 7; the
 * enterprise-managed authorization extension §7.4.2: scoped by issuer). The insert is the check: a second insert of the
 * same key changes nothing, and that is a replay.
 */
export async function consumeAssertionId(scope: string, issuer: string, jti: string, expiresAt: Date): Promise<void> {
  const key = createHash("sha256").update(`${scope}\n${issuer}\n${jti}`).digest("base64url");
  // Prisma stores DateTime as UTC `timestamp(3)`: the expiry is converted the same way, whatever the session time zone.
  const inserted = await db().$executeRawUnsafe(
    `INSERT INTO "UsedAssertion" ("key", "expiresAt") VALUES ($1, $2::timestamptz AT TIME ZONE 'UTC') ON CONFLICT ("key") DO NOTHING`,
    key,
    expiresAt.toISOString(),
  );
  if (inserted === 0) throw new AssertionRejected("the assertion's jti was already used (replay)");
}
