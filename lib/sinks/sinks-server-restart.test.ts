import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { addAuditSink } from "@/lib/sinks/add-audit-sink";
import { startPortcullis, type Started } from "@/lib/startup";
import { otlpReceiver, syslogReceiver, webhookReceiver, type Receiver } from "@/test/support/sink-receivers";

/**
 * The whole server's start-up and shutdown (embedded database on disk, migrations, background work) around the
 * deliverer: the sinks' cursors survive a full restart of the process's Portcullis, and a receiver outage across it.
 */
const dataDir = mkdtempSync(join(tmpdir(), "portcullis-sinks-restart-"));
const webhook = webhookReceiver(4565);
const syslog = syslogReceiver(4566);
const otlp = otlpReceiver(4567);
const receivers: Receiver[] = [webhook, syslog, otlp];
let server: Started | undefined;

beforeAll(async () => {
  reloadEnv({ ...process.env, PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_SINK_POLL_MS: "100", PORTCULLIS_SINK_MAX_BACKOFF: "1", PORTCULLIS_SWEEP_INTERVAL: "3600" });
  await Promise.all(receivers.map((r) => r.start()));
});
afterAll(async () => {
  await server?.stop();
  await Promise.all(receivers.map((r) => r.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function produce(n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i++) await recordAudit({ kind: "settings.changed", actor: "system", reason: `${label} ${i}` });
}

async function caughtUp(): Promise<boolean> {
  const head = Number((await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n);
  return head > 0 && receivers.every((r) => r.log.lastSeq === head);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("audit sinks across a server restart and a receiver outage", () => {
  it("delivers every event in order, exactly as stored, whatever stops in between", { timeout: 120_000 }, async () => {
    server = await startPortcullis("server");
    await addAuditSink({ name: "hook", kind: "webhook", endpoint: `http://127.0.0.1:${webhook.port}/in`, allowPrivate: true }, CLI_CONTEXT);
    await addAuditSink({ name: "syslog", kind: "syslog", endpoint: `tcp://127.0.0.1:${syslog.port}`, allowPrivate: true }, CLI_CONTEXT);
    await addAuditSink({ name: "otel", kind: "otlp", endpoint: `http://127.0.0.1:${otlp.port}/v1/logs`, allowPrivate: true }, CLI_CONTEXT);
    await produce(5, "first run");
    await until(caughtUp, "the first run's delivery");

    // The server stops; events are written meanwhile (a CLI command, another instance); it starts again.
    await server.stop();
    server = await startPortcullis("cli");
    await produce(4, "while the server is down");
    await server.stop();
    server = await startPortcullis("server");
    await until(caughtUp, "delivery after the restart");

    // The receivers go away while the server runs and writes; they come back; nothing is missing or out of order.
    await Promise.all(receivers.map((r) => r.stop()));
    await produce(6, "during the outage");
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all(receivers.map((r) => r.start()));
    await until(caughtUp, "delivery after the outage");

    const stored = await db().auditEvent.findMany({ orderBy: { seq: "asc" }, select: { seq: true, hash: true } });
    for (const receiver of receivers) {
      expect(receiver.log.problems).toEqual([]);
      expect(receiver.log.accepted.map((e) => [e.seq, e.hash])).toEqual(stored.map((e) => [Number(e.seq), e.hash]));
    }
  });
});
