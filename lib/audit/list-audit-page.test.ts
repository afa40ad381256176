import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCharts } from "@/lib/audit/audit-charts";
import { resolveAuditFilter, resolveSeqRange } from "@/lib/audit/audit-conditions";
import { auditFilterInput, auditFilterParams, auditFilterSchema, type AuditFilter } from "@/lib/audit/audit-filter";
import { exportAuditEvents } from "@/lib/audit/export-audit-events";
import { getAuditEvent } from "@/lib/audit/get-audit-event";
import { listAuditPage } from "@/lib/audit/list-audit-page";
import { streamAuditEvents } from "@/lib/audit/stream-audit-events";
import { CLI_CONTEXT } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { eraseAuditLog } from "@/test/support/audit-log";
import { openTestDatabase } from "@/test/support/db";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: { id: string };
const T0 = Date.parse("2026-11-01T00:00:00Z");
const MINUTE = 60_000;

/**
 * 120 synthetic events, one a minute from T0: decisions alternate allow/deny over clients c0–c2 and tools t0–t3;
 * every 10th is about alice. Written directly (hashes are placeholders): these tests are about querying, not the chain.
 */
beforeAll(async () => {
  database = await openTestDatabase();
  alice = await createUser({ email: "alice@example.test", name: "Alice" }, CLI_CONTEXT);
  await eraseAuditLog();
  await db().auditEvent.createMany({
    data: Array.from({ length: 120 }, (_, i) => ({
      seq: BigInt(i + 1),
      at: new Date(T0 + i * MINUTE),
      kind: i % 2 === 0 ? "decision.allow" : "decision.deny",
      decision: i % 2 === 0 ? "allow" : "deny",
      clientId: `c${i % 3}`,
      tool: `t${i % 4}`,
      subject: i % 10 === 0 ? alice.id : `someone-${i}`,
      actor: i % 10 === 0 ? `user:${alice.id}` : null,
      reason: `event ${i + 1}`,
      prevHash: "0".repeat(64),
      hash: String(i + 1).padStart(64, "0"),
    })),
  });
});
afterAll(() => database.close());

async function filterOf(input: Record<string, string>) {
  return resolveAuditFilter(db(), auditFilterSchema.parse(input));
}

const seqs = (events: Array<{ seq: string }>) => events.map((e) => Number(e.seq));

describe("auditFilterSchema", () => {
  it("reads URL parameters, dropping blanks, treating times without a zone as UTC", () => {
    const params = new URLSearchParams("kind=decision.deny&decision=&client=c1&from=2026-11-01T00:10&to=2026-11-02&junk=1");
    const filter = auditFilterSchema.parse(auditFilterInput(params));
    expect(filter).toEqual({
      kind: "decision.deny",
      client: "c1",
      from: new Date("2026-11-01T00:10:00Z"),
      to: new Date("2026-11-02T00:00:00Z"),
    });
    expect(auditFilterParams(filter).toString()).toBe("kind=decision.deny&client=c1&from=2026-11-01T00%3A10%3A00&to=2026-11-02T00%3A00%3A00");
  });

  it.each([
    [{ kind: "decision.maybe" }],
    [{ kind: "nope.*" }],
    [{ decision: "perhaps" }],
    [{ from: "yesterday" }],
    [{ from: "2026-11-02", to: "2026-11-01" }],
  ])("refuses %j", (input) => {
    expect(auditFilterSchema.safeParse(input).success).toBe(false);
  });
});

describe("listAuditPage", () => {
  it("pages newest first by keyset, with cursors both ways", async () => {
    const filter = await filterOf({});
    const first = await listAuditPage(db(), filter, { size: 50 });
    expect(seqs(first.events)).toEqual(Array.from({ length: 50 }, (_, i) => 120 - i));
    expect(first).toMatchObject({ newer: null, older: "71" });

    const second = await listAuditPage(db(), filter, { size: 50, before: 71n });
    expect(seqs(second.events)[0]).toBe(70);
    expect(second).toMatchObject({ newer: "70", older: "21" });

    const last = await listAuditPage(db(), filter, { size: 50, before: 21n });
    expect(seqs(last.events)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(last.older).toBeNull();

    const back = await listAuditPage(db(), filter, { size: 50, after: 70n });
    expect(seqs(back.events)).toEqual(seqs(first.events));
    expect(back).toMatchObject({ newer: null, older: "71" });
  });

  it("combines client, decision and time range", async () => {
    const filter = await filterOf({ client: "c1", decision: "deny", from: "2026-11-01T00:30", to: "2026-11-01T01:00" });
    const page = await listAuditPage(db(), filter, { size: 100 });
    // Minutes 30–59, odd (deny), i % 3 === 1 (c1): i ∈ {31, 37, 43, 49, 55}, seq = i + 1.
    expect(seqs(page.events)).toEqual([56, 50, 44, 38, 32]);
    expect(page.events.every((e) => e.clientId === "c1" && e.decision === "deny")).toBe(true);
  });

  it("finds a user's events by email, as subject or actor, and nothing for an unknown email", async () => {
    const page = await listAuditPage(db(), await filterOf({ user: "ALICE@example.test" }), { size: 100 });
    expect(seqs(page.events)).toEqual([111, 101, 91, 81, 71, 61, 51, 41, 31, 21, 11, 1]);
    expect((await listAuditPage(db(), await filterOf({ user: "nobody@example.test" }))).events).toEqual([]);
  });

  it("filters by an area of kinds and by tool", async () => {
    const page = await listAuditPage(db(), await filterOf({ kind: "decision.*", tool: "t3" }), { size: 5 });
    expect(seqs(page.events)).toEqual([120, 116, 112, 108, 104]);
    expect((await listAuditPage(db(), await filterOf({ kind: "client.*" }))).events).toEqual([]);
  });
});

describe("time ranges", () => {
  it("resolve to the run of seq they cover, bounds exact", async () => {
    expect(await resolveSeqRange(db(), new Date(T0 + 30 * MINUTE), new Date(T0 + 60 * MINUTE))).toEqual({ first: 31n, last: 60n });
    expect(await resolveSeqRange(db(), new Date(T0 + 30 * MINUTE + 1), undefined)).toEqual({ first: 32n, last: 120n });
    expect(await resolveSeqRange(db(), undefined, new Date(T0))).toBeNull();
    expect(await resolveSeqRange(db(), new Date("2027-01-01T00:00:00Z"), undefined)).toBeNull();
  });

  it("show nothing when no event falls inside", async () => {
    const filter = await filterOf({ from: "2027-01-01T00:00", to: "2027-01-02T00:00" });
    expect(filter.seqRange).toBeNull();
    expect((await listAuditPage(db(), filter)).events).toEqual([]);
  });
});

describe("getAuditEvent", () => {
  it("returns one event with its hashes", async () => {
    expect(await getAuditEvent(db(), 5n)).toMatchObject({ seq: "5", reason: "event 5", hash: "5".padStart(64, "0") });
    expect(await getAuditEvent(db(), 999n)).toBeNull();
  });
});

describe("the export", () => {
  async function exported(filter: AuditFilter, format: "csv" | "jsonl") {
    return new Response(exportAuditEvents(db(), await resolveAuditFilter(db(), filter), format)).text();
  }

  it("streams every matching event, oldest first, in batches", async () => {
    const filter = await filterOf({ decision: "allow" });
    const batches: number[][] = [];
    for await (const batch of streamAuditEvents(db(), filter, 25)) batches.push(seqs(batch));
    expect(batches.map((b) => b.length)).toEqual([25, 25, 10]);
    expect(batches.flat()).toEqual(Array.from({ length: 60 }, (_, i) => 2 * i + 1));
  });

  it("writes the same events the viewer shows, as CSV and as JSON Lines", async () => {
    const filter = auditFilterSchema.parse({ client: "c2", decision: "deny", from: "2026-11-01T00:00", to: "2026-11-01T00:30" });
    const viewer = seqs((await listAuditPage(db(), await resolveAuditFilter(db(), filter), { size: 100 })).events).reverse();
    const csv = (await exported(filter, "csv")).trimEnd().split("\r\n");
    expect(csv[0]).toBe("seq,at,kind,actor,subject,client_id,tool,scopes,decision,reason,request_id,ip,detail,prev_hash,hash");
    expect(csv.slice(1).map((line) => Number(line.split(",")[0]))).toEqual(viewer);
    const jsonl = (await exported(filter, "jsonl")).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(jsonl.map((e) => Number(e.seq))).toEqual(viewer);
    expect(jsonl[0]).toMatchObject({ clientId: "c2", decision: "deny", kind: "decision.deny" });
  });

  it("writes just the header when nothing matches", async () => {
    expect(await exported({ client: "nobody" }, "csv")).toBe("seq,at,kind,actor,subject,client_id,tool,scopes,decision,reason,request_id,ip,detail,prev_hash,hash\r\n");
    expect(await exported({ client: "nobody" }, "jsonl")).toBe("");
  });
});

describe("auditCharts", () => {
  it("counts decisions per bucket over the filter's window, zeros included", async () => {
    const charts = await auditCharts(db(), await filterOf({ from: "2026-11-01T00:00", to: "2026-11-01T03:00" }));
    expect(charts.window).toMatchObject({ bucket: "hour", defaulted: false });
    expect(charts.decisions).toEqual([
      { start: "2026-11-01T00:00:00.000Z", allow: 30, deny: 30 },
      { start: "2026-11-01T01:00:00.000Z", allow: 30, deny: 30 },
      { start: "2026-11-01T02:00:00.000Z", allow: 0, deny: 0 },
    ]);
  });

  it("ranks denied tools and active clients under the same filters", async () => {
    const charts = await auditCharts(db(), await filterOf({ from: "2026-11-01T00:00", to: "2026-11-01T01:00", client: "c0" }));
    // c0 and deny → odd i with i % 3 === 0 → i ≡ 3 (mod 6) → tools t3, t1 alternate.
    expect(charts.topDeniedTools).toEqual([
      { tool: "t1", count: 5 },
      { tool: "t3", count: 5 },
    ]);
    expect(charts.mostActiveClients).toEqual([{ clientId: "c0", name: null, count: 20 }]);
  });

  it("widens its buckets with the window: a decade is drawn by month", async () => {
    const charts = await auditCharts(db(), await filterOf({ from: "2020-01-01", to: "2030-01-01" }));
    expect(charts.window.bucket).toBe("month");
    expect(charts.decisions).toHaveLength(120);
    expect(charts.decisions.find((d) => d.start === "2026-11-01T00:00:00.000Z")).toEqual({ start: "2026-11-01T00:00:00.000Z", allow: 60, deny: 60 });
  });

  it("defaults to the last day before now", async () => {
    const now = new Date(T0 + 90 * MINUTE);
    const charts = await auditCharts(db(), await filterOf({}), now);
    expect(charts.window).toEqual({ from: new Date(T0 + 90 * MINUTE - 86_400_000).toISOString(), to: now.toISOString(), bucket: "hour", defaulted: true });
    expect(charts.decisions.reduce((n, b) => n + b.allow + b.deny, 0)).toBe(90);
  });
});
