import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents, recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { addAuditSink } from "@/lib/sinks/add-audit-sink";
import { deliverSinkBatch } from "@/lib/sinks/deliver-sink-batch";
import { listSinkHealth } from "@/lib/sinks/list-sink-health";
import { removeAuditSink } from "@/lib/sinks/remove-audit-sink";
import { startAuditSinks, type AuditSinkDeliverer } from "@/lib/sinks/start-audit-sinks";
import { openTestDatabase } from "@/test/support/db";
import { otlpReceiver, syslogReceiver, webhookReceiver, type Receiver } from "@/test/support/sink-receivers";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const webhook = webhookReceiver(4561);
const syslog = syslogReceiver(4562);
const otlp = otlpReceiver(4563);
const receivers: Receiver[] = [webhook, syslog, otlp];
const DELIVERY = { pollMs: 50, timeoutMs: 3000, maxBackoffMs: 300 };

beforeAll(async () => {
  database = await openTestDatabase();
  await Promise.all(receivers.map((r) => r.start()));
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await database.close();
});

async function produce(n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i++) await recordAudit({ kind: "settings.changed", actor: "system", reason: `${label} ${i}` });
}

async function head(): Promise<number> {
  return Number((await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n);
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every receiver holds exactly the chain, seq 1..head, in order, with the stored hashes. */
async function expectWholeChain(): Promise<void> {
  const stored = await db().auditEvent.findMany({ orderBy: { seq: "asc" }, select: { seq: true, hash: true } });
  for (const receiver of receivers) {
    expect(receiver.log.problems).toEqual([]);
    expect(receiver.log.accepted.map((e) => [e.seq, e.hash])).toEqual(stored.map((e) => [Number(e.seq), e.hash]));
  }
}

const caughtUp = async () => {
  const h = await head();
  return receivers.every((r) => r.log.lastSeq === h);
};

describe("audit sinks deliver the chain in order, at least once", () => {
  let deliverer: AuditSinkDeliverer;

  it("delivers the whole chain to a webhook, a syslog listener and an OTLP collector", async () => {
    await produce(5, "before any sink");
    await addAuditSink({ name: "siem-webhook", kind: "webhook", endpoint: `http://localhost:${webhook.port}/ingest`, allowPrivate: true, token: "webhook-token-123", batchSize: 4 }, CLI_CONTEXT);
    await addAuditSink({ name: "siem-syslog", kind: "syslog", endpoint: `tcp://127.0.0.1:${syslog.port}`, allowPrivate: true, batchSize: 3 }, CLI_CONTEXT);
    await addAuditSink({ name: "siem-otlp", kind: "otlp", endpoint: `http://localhost:${otlp.port}/v1/logs`, allowPrivate: true, lagAlertEvents: 5 }, CLI_CONTEXT);
    deliverer = startAuditSinks(DELIVERY);
    await until(caughtUp, "the first delivery");
    await expectWholeChain();
    expect(webhook.log.headers[0].authorization).toBe("Bearer webhook-token-123");
    expect(webhook.log.headers[0]["content-type"]).toBe("application/jsonl");
    // The token is sealed at rest, never stored in clear.
    const stored = await db().auditSink.findUniqueOrThrow({ where: { name: "siem-webhook" } });
    expect(stored.secretSealed).toBeTruthy();
    expect(stored.secretSealed).not.toContain("webhook-token-123");
    expect(syslog.messages[0]).toMatch(/^<110>1 \S+ localhost portcullis - settings\.changed \[portcullis@32473 seq="1" hash="[0-9a-f]{64}" prevHash="0{64}"\] \uFEFF\{/);
  });

  it("resumes from each sink's durable cursor after the deliverer restarts", async () => {
    await deliverer.stop();
    await produce(7, "while the deliverer is down");
    deliverer = startAuditSinks(DELIVERY);
    await until(caughtUp, "delivery after the restart");
    await expectWholeChain();
  });

  it("delivers what was produced during a receiver outage once it is back, and alerts once per episode", async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await produce(8, "during the outage");
    await until(async () => (await listSinkHealth()).every((s) => s.failures > 0 && s.lastError), "failures to be recorded");
    await until(async () => (await listAuditEvents(db(), { kinds: ["sink.lagging"] })).length >= 1, "the lag alert");
    const health = await listSinkHealth();
    const otlpHealth = health.find((s) => s.name === "siem-otlp")!;
    expect(otlpHealth.lagEvents).toBeGreaterThan(5);
    expect(otlpHealth.lagging).toBe(true);
    expect(otlpHealth.lastError).toMatch(/OTLP export failed/);
    expect(health.find((s) => s.name === "siem-webhook")!.lastError).toMatch(/webhook could not be reached \(ECONNREFUSED\)/);
    expect(health.find((s) => s.name === "siem-syslog")!.lastError).toMatch(/syslog receiver could not be reached \(ECONNREFUSED\)/);
    // Still down a while longer: the alert is not repeated.
    await new Promise((r) => setTimeout(r, 600));
    expect(await listAuditEvents(db(), { kinds: ["sink.lagging"] })).toHaveLength(1);

    await Promise.all(receivers.map((r) => r.start()));
    await until(caughtUp, "delivery after the outage");
    await until(async () => (await listAuditEvents(db(), { kinds: ["sink.recovered"] })).length === 1, "the recovery event");
    await until(caughtUp, "delivery of the recovery event");
    await expectWholeChain();
    const [alert] = await listAuditEvents(db(), { kinds: ["sink.lagging"] });
    expect(alert.detail).toMatchObject({ sink: "siem-otlp", boundEvents: 5 });
    expect((await listSinkHealth()).every((s) => s.failures === 0 && s.lagEvents === 0)).toBe(true);
  });

  it("sends a batch again when its acknowledgement is lost, and the receiver de-duplicates it by seq", async () => {
    webhook.failNext = 1;
    await produce(3, "acknowledgement lost");
    await until(() => webhook.log.duplicates >= 1, "the batch to be sent again");
    await until(async () => (await listSinkHealth()).every((s) => s.failures === 0 && s.lagEvents === 0), "every cursor at the head");
    await expectWholeChain();
  });

  it("lets one deliverer at a time hold a sink; another takes over when the lease lapses", async () => {
    await deliverer.stop();
    const sink = await db().auditSink.findUniqueOrThrow({ where: { name: "siem-webhook" } });
    await produce(2, "lease");
    const first = await deliverSinkBatch(sink.id, { owner: "instance-a", leaseSeconds: 1, timeoutMs: 3000 });
    expect(first.status).toBe("delivered");
    expect((await deliverSinkBatch(sink.id, { owner: "instance-b", leaseSeconds: 1 })).status).toBe("leased-elsewhere");
    // instance-a "crashes" without giving the lease back; it lapses.
    await new Promise((r) => setTimeout(r, 1200));
    expect(["idle", "delivered"]).toContain((await deliverSinkBatch(sink.id, { owner: "instance-b", leaseSeconds: 1 })).status);
    deliverer = startAuditSinks(DELIVERY);
    await until(caughtUp, "delivery after the lease moved");
    await expectWholeChain();
    await deliverer.stop();
  });

  it("removes a sink with an audit event", async () => {
    const removed = await removeAuditSink("siem-syslog", CLI_CONTEXT);
    expect(removed.name).toBe("siem-syslog");
    const [event] = await listAuditEvents(db(), { kinds: ["sink.removed"] });
    expect(event.detail).toMatchObject({ sink: "siem-syslog", kind: "syslog" });
    expect(await db().auditSink.count()).toBe(2);
  });
});
