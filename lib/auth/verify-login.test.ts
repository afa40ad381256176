import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { createFirstAdmin, needsSetup } from "@/lib/auth/create-first-admin";
import { LOGIN_FAILED_MESSAGE, verifyLogin } from "@/lib/auth/verify-login";
import { db } from "@/lib/db/client";
import { reloadEnv } from "@/lib/env";
import { openTestDatabase } from "@/test/support/db";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const admin = { email: "ada@example.test", name: "Ada", password: "correct-horse-battery" };
const rival = { ...admin, email: "eve@example.test" };

describe("first-run setup", () => {
  it("creates the first iam_admin exactly once, even when two setups race", async () => {
    expect(await needsSetup()).toBe(true);
    const results = await Promise.allSettled([createFirstAdmin(admin, { ip: "127.0.0.1" }), createFirstAdmin(rival, { ip: "127.0.0.2" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "conflict", message: "Portcullis is already set up. Sign in instead." });
    expect(await db().user.count()).toBe(1);
    expect(await needsSetup()).toBe(false);
    // Whichever won, the rest of this file signs in as Ada.
    await db().user.updateMany({ data: { email: admin.email } });
  });

  it("rejects invalid fields before touching the database", async () => {
    await expect(createFirstAdmin({ email: "x", name: "", password: 1 }, {})).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("console sign-in", () => {
  it("accepts the right password and records the login", async () => {
    const user = await verifyLogin("ADA@example.test", admin.password, "192.0.2.1");
    expect(user.email).toBe("ada@example.test");
    const [event] = await listAuditEvents(db(), { kinds: ["admin.login"], limit: 1 });
    expect(event).toMatchObject({ subject: user.id, ip: "192.0.2.1" });
  });

  it("gives one generic answer for a wrong password, an unknown account and a disabled one", async () => {
    const dana = await createUser({ email: "dana@example.test", name: "Dana", password: "dana-password-123", roles: ["reader"] }, CLI_CONTEXT);
    await setUserDisabled(dana.id, true, CLI_CONTEXT);
    for (const [email, password] of [
      ["ada@example.test", "wrong-password-xyz"],
      ["nobody@example.test", "wrong-password-xyz"],
      ["dana@example.test", "dana-password-123"],
      [42, null],
    ] as const) {
      await expect(verifyLogin(email, password, "192.0.2.2")).rejects.toMatchObject({ code: "unauthenticated", message: LOGIN_FAILED_MESSAGE });
    }
    const failures = await listAuditEvents(db(), { kinds: ["admin.login_failed"], limit: 10 });
    expect(failures.map((f) => f.reason).sort()).toEqual(["account disabled", "unknown account", "unknown account", "wrong password"]);
  });

  it("locks an account and address out after five failures, even for the right password", async () => {
    for (let i = 0; i < 5; i++) {
      await expect(verifyLogin("ada@example.test", "guess-number-" + i, "198.51.100.9")).rejects.toMatchObject({ code: "unauthenticated" });
    }
    await expect(verifyLogin("ada@example.test", admin.password, "198.51.100.9")).rejects.toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/^Too many failed sign-ins\. Try again in \d+ minute\(s\)\.$/),
    });
    // Another address is not affected.
    await expect(verifyLogin("ada@example.test", admin.password, "198.51.100.10")).resolves.toMatchObject({ email: "ada@example.test" });
  });
});

describe("sign-in limits hold under parallel attempts and address rotation", () => {
  // Each case starts at the beginning of a fresh 15-minute window (the counts are per clock window).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / 900_000) * 900_000 + 1_000);
  });
  afterEach(() => vi.useRealTimers());

  const verified = async (email: string) =>
    db().auditEvent.count({ where: { kind: "admin.login_failed", reason: "wrong password", detail: { path: ["email"], equals: email } } });

  it("verifies exactly five of 20 parallel wrong passwords from one address: each is counted before the hash", async () => {
    await createUser({ email: "race@example.test", name: "Race", password: "race-password-123", roles: ["reader"] }, CLI_CONTEXT);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => verifyLogin("race@example.test", `guess-${i}`, "203.0.113.50")));
    const codes = results.map((r) => (r as PromiseRejectedResult).reason.code);
    expect(codes.filter((c) => c === "unauthenticated")).toHaveLength(5);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(15);
    expect(await verified("race@example.test")).toBe(5);
    // Fifteen refusals, one event for them: the rest wait for the window's summary.
    expect(await db().auditEvent.count({ where: { kind: "admin.login_failed", reason: "rate limited", ip: "203.0.113.50" } })).toBe(1);
  });

  it("keeps an account and address locked when the clock turns a window: five wrong just before, the right one just after", async () => {
    await createUser({ email: "edge@example.test", name: "Edge", password: "edge-password-123", roles: ["reader"] }, CLI_CONTEXT);
    vi.setSystemTime(Math.ceil(Date.now() / 900_000) * 900_000 - 2_000);
    for (let i = 0; i < 5; i++) await expect(verifyLogin("edge@example.test", `guess-${i}`, "203.0.113.77")).rejects.toMatchObject({ code: "unauthenticated" });
    vi.setSystemTime(Date.now() + 4_000);
    await expect(verifyLogin("edge@example.test", "edge-password-123", "203.0.113.77")).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("counts every address of one IPv6 /64 as one address", async () => {
    await createUser({ email: "six@example.test", name: "Six", password: "six-password-1234", roles: ["reader"] }, CLI_CONTEXT);
    const outcomes = [];
    for (let i = 1; i <= 8; i++) {
      outcomes.push(await verifyLogin("six@example.test", `guess-${i}`, `2001:db8:77:1::${i.toString(16)}`).catch((e) => e.code));
    }
    expect(outcomes).toEqual(["unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "unauthenticated", "rate_limited", "rate_limited", "rate_limited"]);
    // The next /64 is another address.
    await expect(verifyLogin("six@example.test", "guess-x", "2001:db8:77:2::1")).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("limits one account across addresses, but not at an address its owner signed in from", async () => {
    const owner = { email: "target@example.test", password: "target-password-123" };
    await createUser({ ...owner, name: "Target", roles: ["reader"] }, CLI_CONTEXT);
    await verifyLogin(owner.email, owner.password, "192.0.2.200");
    // A queue long enough for every attempt here: this is about the account limit, not the hash slots.
    reloadEnv({ ...process.env, PORTCULLIS_PASSWORD_HASH_QUEUE: "64" });
    const results = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => verifyLogin(owner.email, `spray-${i}`, `10.9.${i}.1`)));
    reloadEnv({ ...process.env });
    const codes = results.map((r) => (r as PromiseRejectedResult).reason.code);
    expect(codes.filter((c) => c === "unauthenticated")).toHaveLength(20);
    expect(await verified(owner.email)).toBe(20);
    // A new address is held to the account-wide limit, even with the right password...
    await expect(verifyLogin(owner.email, owner.password, "10.9.200.1")).rejects.toMatchObject({ code: "rate_limited" });
    // ...but the owner, at the address they signed in from before, is not locked out.
    await expect(verifyLogin(owner.email, owner.password, "192.0.2.200")).resolves.toMatchObject({ email: owner.email });
  }, 180_000);
});
