/** Bridge completion with the real @workos-inc/node SDK against the local WorkOS stand-in. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { reloadEnv } from "@/lib/env";
import { createUser } from "@/lib/users/create-user";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { completeBridgeSignIn } from "@/lib/workos/complete-bridge-sign-in";
import { externalAuthRef } from "@/lib/workos/external-auth-id";
import { startWorkosStandin, type WorkosStandin } from "@/test/support/workos-standin";

let standin: WorkosStandin;
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let alice: SignedInUser;
const VARS = ["PORTCULLIS_ISSUER_MODE", "WORKOS_AUTHKIT_DOMAIN", "WORKOS_API_URL", "WORKOS_API_KEY", "WORKOS_API_TIMEOUT_MS"];
const ctx = (user: SignedInUser) => ({ actor: `user:${user.id}`, ip: "198.51.100.7", requestId: "req-bridge" });

beforeAll(async () => {
  standin = await startWorkosStandin();
  Object.assign(process.env, {
    PORTCULLIS_ISSUER_MODE: "bridge",
    WORKOS_AUTHKIT_DOMAIN: standin.origin,
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
    WORKOS_API_TIMEOUT_MS: "800",
  });
  reloadEnv();
  database = await openTestDatabase();
  const created = await createUser({ email: "alice@example.test", name: "Alice Liddell", password: "a-password-long-enough" }, CLI_CONTEXT);
  alice = { id: created.id, email: created.email, name: created.name };
});
afterAll(async () => {
  await database.close();
  await standin.close();
  for (const key of VARS) delete process.env[key];
  reloadEnv();
});

async function lastBridgeEvent() {
  const [event] = await listAuditEvents(db(), { kinds: ["bridge.completed", "bridge.failed"], limit: 1 });
  return event;
}

describe("completeBridgeSignIn", () => {
  it("completes the AuthKit sign-in for the Portcullis user and returns AuthKit's redirect", async () => {
    const externalAuthId = standin.startBridgeAuth({ clientId: "client_01CLAUDE" });
    const redirect = await completeBridgeSignIn(externalAuthId, alice, ctx(alice));
    expect(redirect).toBe(`${standin.origin}/oauth2/authorize/resume?external_auth_id=${externalAuthId}`);

    const call = standin.requests.find((r) => r.path === "/authkit/oauth2/complete")!;
    expect(call.authorization).toBe(`Bearer ${standin.apiKey}`);
    expect(call.body).toEqual({
      external_auth_id: externalAuthId,
      user: { id: alice.id, email: "alice@example.test", first_name: "Alice Liddell" },
    });
    // AuthKit now knows the person by Portcullis's id: the link /mcp follows back in bridge mode.
    expect(standin.bridgeAuth(externalAuthId)?.completedBy).toMatchObject({ externalId: alice.id, email: "alice@example.test" });

    expect(await lastBridgeEvent()).toMatchObject({
      kind: "bridge.completed",
      actor: `user:${alice.id}`,
      subject: alice.id,
      ip: "198.51.100.7",
      requestId: "req-bridge",
      reason: "user alice@example.test signed in to AuthKit through Portcullis",
      detail: { externalAuthRef: externalAuthRef(externalAuthId), redirectOrigin: standin.origin },
    });
    expect(JSON.stringify(await lastBridgeEvent())).not.toContain(externalAuthId);
  });

  it("an unknown or expired external_auth_id gets a clear error and a bridge.failed event", async () => {
    await expect(completeBridgeSignIn("ext_auth_UNKNOWN", alice, ctx(alice))).rejects.toMatchObject({
      name: "AppError",
      code: "not_found",
      message: "AuthKit does not know this sign-in request, or it has expired. Start again from your MCP client.",
    });
    expect(await lastBridgeEvent()).toMatchObject({
      kind: "bridge.failed",
      reason: "WorkOS refused the request with status 404 (external_auth_not_found): External auth not found",
      detail: { status: 404 },
    });
  });

  it("WorkOS refusing the user (422) is a conflict the person can act on", async () => {
    standin.addUser({ email: "bob@example.test" });
    const bob = { id: "00000000-0000-4000-8000-000000000b0b", email: "bob@example.test", name: "Bob" };
    await expect(completeBridgeSignIn(standin.startBridgeAuth(), bob, ctx(bob))).rejects.toMatchObject({ code: "conflict", status: 409 });
    expect(await lastBridgeEvent()).toMatchObject({ kind: "bridge.failed", detail: { status: 422 } });
  });

  it("a WorkOS outage (5xx, retried once) is 503, not 500", async () => {
    standin.failNext("/authkit/oauth2/complete", { status: 502, times: 2 });
    const before = standin.requests.filter((r) => r.path === "/authkit/oauth2/complete").length;
    await expect(completeBridgeSignIn(standin.startBridgeAuth(), alice, ctx(alice))).rejects.toMatchObject({
      code: "unavailable",
      status: 503,
      message: "AuthKit could not be reached to complete the sign-in. Try again in a moment.",
    });
    expect(standin.requests.filter((r) => r.path === "/authkit/oauth2/complete").length - before).toBe(2);
    expect(await lastBridgeEvent()).toMatchObject({ kind: "bridge.failed", reason: "WorkOS failed with status 502" });
  });

  it("a WorkOS timeout is 503", async () => {
    standin.failNext("/authkit/oauth2/complete", { status: 200, body: { redirect_uri: `${standin.origin}/late` }, delayMs: 2_000, times: 2 });
    await expect(completeBridgeSignIn(standin.startBridgeAuth(), alice, ctx(alice))).rejects.toMatchObject({ code: "unavailable" });
    expect(await lastBridgeEvent()).toMatchObject({ kind: "bridge.failed", reason: "WorkOS did not answer in time" });
  });

  it("refuses to send the browser anywhere but AuthKit", async () => {
    standin.failNext("/authkit/oauth2/complete", { status: 200, body: { redirect_uri: "https://evil.example/steal" } });
    await expect(completeBridgeSignIn(standin.startBridgeAuth(), alice, ctx(alice))).rejects.toMatchObject({
      code: "unavailable",
      message: "AuthKit answered with an unexpected redirect, so the sign-in was stopped. Ask an administrator.",
    });
    expect(await lastBridgeEvent()).toMatchObject({
      kind: "bridge.failed",
      reason: `AuthKit answered with a redirect to https://evil.example, not ${standin.origin}`,
    });
  });
});
