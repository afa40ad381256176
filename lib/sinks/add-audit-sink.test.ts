import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents, recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { addAuditSink } from "@/lib/sinks/add-audit-sink";
import type { SinkInput } from "@/lib/sinks/sink-input";
import { testAuditSink } from "@/lib/sinks/test-audit-sink";
import { openTestDatabase } from "@/test/support/db";
import { silentReceiver } from "@/test/support/sink-receivers";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
const silent = silentReceiver(4564);
beforeAll(async () => {
  database = await openTestDatabase();
  await silent.start();
  await recordAudit({ kind: "settings.changed", actor: "system", reason: "something to send" });
});
afterAll(async () => {
  await silent.stop();
  await database.close();
});

async function refusal(input: SinkInput): Promise<{ code: string; message: string }> {
  const before = { sinks: await db().auditSink.count(), events: await listAuditEvents(db(), { kinds: ["sink.added"] }) };
  const error = await addAuditSink(input, CLI_CONTEXT).then(
    () => null,
    (e: { code: string; message: string }) => e,
  );
  expect(error).not.toBeNull();
  // Nothing half-created: no row, no event.
  expect(await db().auditSink.count()).toBe(before.sinks);
  expect(await listAuditEvents(db(), { kinds: ["sink.added"] })).toHaveLength(before.events.length);
  return { code: error!.code, message: error!.message };
}

describe("adding a sink refuses bad targets with a clear error and creates nothing", () => {
  it.each([
    [{ name: "a", kind: "webhook", endpoint: "http://siem.example.com/in" }, /must use https \(http is allowed only for localhost\)/],
    [{ name: "a", kind: "otlp", endpoint: "ftp://siem.example.com/in" }, /must be an https URL/],
    [{ name: "a", kind: "webhook", endpoint: "https://user:pw@siem.example.com/in" }, /must not contain a user name or password/],
    [{ name: "a", kind: "webhook", endpoint: "not a url" }, /is not a URL/],
    [{ name: "a", kind: "webhook", endpoint: "https://10.0.0.7/in" }, /10\.0\.0\.7 is a private address .*--allow-private/],
    [{ name: "a", kind: "webhook", endpoint: "https://169.254.169.254/latest" }, /169\.254\.169\.254 is a private address/],
    [{ name: "a", kind: "webhook", endpoint: "https://[::ffff:127.0.0.1]/in" }, /private address/],
    [{ name: "a", kind: "webhook", endpoint: "https://localhost:4564/in" }, /localhost resolves to a private address \(127\.0\.0\.1\)/],
    [{ name: "a", kind: "syslog", endpoint: "tcp://siem.example.com:514" }, /clear-text tcp:\/\/ syslog is allowed only to localhost/],
    [{ name: "a", kind: "syslog", endpoint: "udp://127.0.0.1:514", allowPrivate: true }, /tcp:\/\/host:port or tls:\/\/host:port/],
    [{ name: "a", kind: "syslog", endpoint: "tls://127.0.0.1", allowPrivate: true }, /needs a port/],
    [{ name: "a", kind: "syslog", endpoint: "tls://127.0.0.1:6514", allowPrivate: true, token: "x" }, /syslog sink has no token/],
    [{ name: "a", kind: "webhook", endpoint: "https://127.0.0.1/in", allowPrivate: true, clientCert: "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----" }, /client certificate and its key together/],
    [{ name: "a", kind: "webhook", endpoint: "https://127.0.0.1/in", allowPrivate: true, clientCert: "x", clientKey: "y" }, /must be PEM text/],
    [{ name: "a b", kind: "webhook", endpoint: "https://127.0.0.1/in", allowPrivate: true }, /name: letters, digits/],
    [{ name: "a", kind: "kafka", endpoint: "https://127.0.0.1/in" }, /kind must be webhook, syslog or otlp/],
    [{ name: "a", kind: "webhook", endpoint: "https://no-such-host.invalid/in" }, /no-such-host\.invalid does not resolve/],
  ] as [SinkInput, RegExp][])("%j", async (input, message) => {
    const error = await refusal(input);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toMatch(message);
  });

  it("refuses a second sink of the same name", async () => {
    await addAuditSink({ name: "dup", kind: "webhook", endpoint: "http://127.0.0.1:4564/in", allowPrivate: true }, CLI_CONTEXT);
    const error = await refusal({ name: "dup", kind: "webhook", endpoint: "http://127.0.0.1:4564/other", allowPrivate: true });
    expect(error.code).toBe("conflict");
  });
});

describe("a sink that never answers", () => {
  it.each([
    ["webhook", "http://127.0.0.1:4564/in", /webhook did not answer within 1 s/],
    ["otlp", "http://127.0.0.1:4564/v1/logs", /OTLP export failed/],
    ["syslog", "tcp://127.0.0.1:4564", /syslog receiver did not confirm within 1 s/],
  ])("%s: the test reports the timeout and records it", async (kind, endpoint, message) => {
    const name = `silent-${kind}`;
    await addAuditSink({ name, kind: kind as "webhook", endpoint, allowPrivate: true }, CLI_CONTEXT);
    const started = Date.now();
    const result = await testAuditSink(name, CLI_CONTEXT, { timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(message);
    const [event] = await listAuditEvents(db(), { kinds: ["sink.tested"] });
    expect(event.reason).toContain(`audit sink ${name} test failed`);
  });
});
