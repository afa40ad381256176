import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe("appendAudit", () => {
  it("never writes a time earlier than the chain's tail, even when this clock is behind another instance's", async () => {
    const ahead = new Date(Date.now() + 60_000);
    // What an instance whose clock runs a minute fast would have written last.
    await db().auditEvent.create({ data: { seq: 1n, at: ahead, kind: "admin.login", prevHash: "0".repeat(64), hash: "a".repeat(64) } });
    const [record] = await db().$transaction((tx) => appendAudit(tx, [{ kind: "admin.logout" }]));
    expect(record.seq).toBe(2n);
    expect(record.at.getTime()).toBe(ahead.getTime());
    const [later] = await db().$transaction((tx) => appendAudit(tx, [{ kind: "admin.logout" }]));
    expect(later.at.getTime()).toBeGreaterThanOrEqual(ahead.getTime());
  });
});
