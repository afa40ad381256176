import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT, listAuditEvents } from "@/lib/audit";
import { changeOwnPassword } from "@/lib/auth/change-own-password";
import { verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { createUser } from "@/lib/users/create-user";
import { resetUserPassword } from "@/lib/users/reset-user-password";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const password = "a-password-long-enough";

describe("resetUserPassword", () => {
  it("replaces the password with a temporary one, forces a change, ends sessions and is audited", async () => {
    const user = await createUser({ email: "forgot@example.test", name: "Forgot", password, roles: ["reader"] }, CLI_CONTEXT);
    const before = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    const { email, temporaryPassword } = await resetUserPassword(user.id, "verified by phone", CLI_CONTEXT);
    expect(email).toBe("forgot@example.test");
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.mustChangePassword).toBe(true);
    expect(after.sessionEpoch).toBe(before.sessionEpoch + 1);
    expect(await verifyPassword(password, after.passwordHash!)).toBe(false);
    expect(await verifyPassword(temporaryPassword, after.passwordHash!)).toBe(true);
    const [event] = await listAuditEvents(db(), { kinds: ["user.password_reset"], limit: 1 });
    expect(event).toMatchObject({ actor: "cli", subject: user.id });
    expect(event.reason).toContain("verified by phone");
    expect(event.reason).not.toContain(temporaryPassword);

    // Choosing their own clears the flag.
    await changeOwnPassword(user.id, { current: temporaryPassword, next: `${password}-mine`, confirm: `${password}-mine` }, CLI_CONTEXT);
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).mustChangePassword).toBe(false);
  });

  it("refuses a service identity, which has no password", async () => {
    const service = await createUser({ email: "svc@example.test", name: "Svc", kind: "service", roles: [] }, CLI_CONTEXT);
    await expect(resetUserPassword(service.id, "x", CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
  });
});
