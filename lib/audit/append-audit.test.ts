import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, type AuditEventInput } from "@/lib/audit";
import { chainRecords, recordsJson } from "@/lib/audit/append-audit";
import { appendAuditAfter } from "@/lib/audit/append-audit-after";
import { chainHash } from "@/lib/audit/hash-chain";
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

  it("writes each record as exactly the fields it hashed, and the chain it writes verifies", async () => {
    const tail = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { seq: true, hash: true, at: true } });
    const events: AuditEventInput[] = [
      { kind: "decision.allow", actor: "user:u1", subject: "u1", clientId: "c1", tool: "whoami", scopes: ["account:read", "b"], decision: "allow", reason: "user a@example.test → role r → scope account:read → tool whoami", requestId: "r1", ip: "127.0.0.1", detail: { z: 1, a: { y: [1, "é\u2028\"q\""], x: null }, dropped: undefined } },
      { kind: "admin.login" },
    ];
    const records = chainRecords(tail, events);
    // The JSON row is the record (seq as a string, times in ISO form), whatever order its keys are written in.
    const rows = JSON.parse(recordsJson(records)) as Array<Record<string, unknown>>;
    const expected = JSON.parse(JSON.stringify(records, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));
    expect(rows).toEqual(expected);
    for (const record of records) expect(record.hash).toBe(chainHash(record.prevHash, record));

    const written = await appendAuditAfter(tail, events);
    expect(written?.map((r) => r.seq)).toEqual([tail.seq + 1n, tail.seq + 2n]);
    const stored = await db().auditEvent.findUniqueOrThrow({ where: { seq: tail.seq + 1n } });
    expect(stored.detail).toEqual({ z: 1, a: { y: [1, "é\u2028\"q\""], x: null } });
    expect(stored.scopes).toEqual(["account:read", "b"]);
    // Read back, each row hashes to what it stores and links to the one before: what verification recomputes.
    const back = await db().auditEvent.findMany({ where: { seq: { gt: tail.seq } }, orderBy: { seq: "asc" } });
    expect(back.map((row) => row.prevHash)).toEqual([tail.hash, back[0].hash]);
    for (const row of back) expect(chainHash(row.prevHash, { ...row, detail: row.detail as Record<string, unknown> })).toBe(row.hash);
  });
});
