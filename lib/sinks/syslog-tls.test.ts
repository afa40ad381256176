import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { addAuditSink } from "@/lib/sinks/add-audit-sink";
import { deliverSinkBatch } from "@/lib/sinks/deliver-sink-batch";
import { openTestDatabase } from "@/test/support/db";
import { syslogReceiver } from "@/test/support/sink-receivers";

/** A self-signed P-256 certificate and key for `cn` (openssl, as an operator would make one). */
function selfSigned(cn: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "sink-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", `/CN=${cn}`, "-addext", `subjectAltName=DNS:${cn}`, "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "pipe" });
  return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
}

const server = selfSigned("localhost");
const client = selfSigned("portcullis-sink");
const receiver = syslogReceiver(4568, { ...server, ca: client.cert });
let database: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  database = await openTestDatabase();
  await receiver.start();
  for (let i = 0; i < 3; i++) await recordAudit({ kind: "settings.changed", actor: "system", reason: `tls ${i}` });
});
afterAll(async () => {
  await receiver.stop();
  await database.close();
});

describe("syslog over TLS (RFC 5425) with a client certificate", () => {
  it("delivers with the receiver's CA pinned and the sealed client certificate presented", async () => {
    const sink = await addAuditSink({ name: "tls", kind: "syslog", endpoint: `tls://localhost:${receiver.port}`, allowPrivate: true, ca: server.cert, clientCert: client.cert, clientKey: client.key }, CLI_CONTEXT);
    const stored = await db().auditSink.findUniqueOrThrow({ where: { id: sink.id } });
    expect(stored.secretSealed).not.toContain("PRIVATE KEY");
    const outcome = await deliverSinkBatch(sink.id, { owner: "test", timeoutMs: 3000 });
    expect(outcome).toMatchObject({ status: "delivered", count: 4 });
    expect(receiver.log.accepted.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(receiver.peers).toEqual(["portcullis-sink"]);
  });

  it("refuses a receiver whose certificate the sink does not trust", async () => {
    const sink = await addAuditSink({ name: "untrusted", kind: "syslog", endpoint: `tls://localhost:${receiver.port}`, allowPrivate: true, clientCert: client.cert, clientKey: client.key }, CLI_CONTEXT);
    const outcome = await deliverSinkBatch(sink.id, { owner: "test", timeoutMs: 3000 });
    expect(outcome).toMatchObject({ status: "failed", error: expect.stringMatching(/syslog receiver could not be reached \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/) });
  });
});
