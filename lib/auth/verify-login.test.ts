import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { createFirstAdmin, needsSetup } from "@/lib/auth/create-first-admin";
import { LOGIN_FAILED_MESSAGE, verifyLogin } from "@/lib/auth/verify-login";
import { db } from "@/lib/db/client";
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
