import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI_CONTEXT, userActor, type AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { createRole } from "@/lib/roles/create-role";
import { deleteRole } from "@/lib/roles/delete-role";
import { removeRoleParent } from "@/lib/roles/remove-role-parent";
import { assignRole } from "@/lib/users/assign-role";
import { createUser } from "@/lib/users/create-user";
import { isLastAdminRefusal } from "@/lib/users/last-admin-guard";
import { removeRole } from "@/lib/users/remove-role";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { openTestDatabase } from "@/test/support/db";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let ann: string;
let ben: string;
beforeAll(async () => {
  database = await openTestDatabase();
  ann = (await createUser({ email: "ann@example.test", name: "Ann", roles: ["iam_admin"] }, CLI_CONTEXT)).id;
  ben = (await createUser({ email: "ben@example.test", name: "Ben", roles: ["iam_admin"] }, CLI_CONTEXT)).id;
}, 180_000);
afterAll(() => database.close());

const as = (userId: string): AuditContext => ({ actor: userActor(userId) });

/** Enabled users holding iam_admin directly or through a role that inherits it — what the guard protects. */
async function enabledAdmins(): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ email: string }>>`
    SELECT DISTINCT u."email" FROM "User" u JOIN "UserRole" ur ON ur."userId" = u."id"
    WHERE u."disabledAt" IS NULL AND ur."roleId" IN (SELECT "id" FROM "portcullis_admin_role_ids"()) ORDER BY 1`;
  return rows.map((r) => r.email);
}

// Each test starts from Ann and Ben as the only two enabled admins.
beforeEach(async () => {
  await db().user.updateMany({ where: { id: { in: [ann, ben] } }, data: { disabledAt: null } });
  const admin = await db().role.findUniqueOrThrow({ where: { name: "iam_admin" } });
  await db().userRole.createMany({ data: [ann, ben].map((userId) => ({ userId, roleId: admin.id })), skipDuplicates: true });
  expect(await enabledAdmins()).toEqual(["ann@example.test", "ben@example.test"]);
});

describe("the last enabled iam_admin, guarded by the database", () => {
  it("refuses to take iam_admin from, or disable, the last one, whatever the path", async () => {
    await removeRole(ben, "iam_admin", as(ann));
    await expect(removeRole(ann, "iam_admin", CLI_CONTEXT)).rejects.toMatchObject({
      code: "conflict",
      message: "ann@example.test is the last enabled iam_admin; give the role to someone else first",
    });
    await expect(setUserDisabled(ann, true, CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
    // Past lib/ altogether: the database itself refuses, and says why.
    const raw = await db().userRole.deleteMany({ where: { userId: ann } }).catch((error: unknown) => error);
    expect(isLastAdminRefusal(raw)).toBe(true);
    const deleted = await db().user.delete({ where: { id: ann } }).catch((error: unknown) => error);
    expect(isLastAdminRefusal(deleted)).toBe(true);
    const roleGone = await db().role.delete({ where: { name: "iam_admin" } }).catch((error: unknown) => error);
    expect(isLastAdminRefusal(roleGone)).toBe(true);
    expect(await enabledAdmins()).toEqual(["ann@example.test"]);
  });

  it("counts an admin through inheritance, and guards the inheritance link too", async () => {
    await createRole({ name: "deputy", parents: ["iam_admin"] }, CLI_CONTEXT);
    await assignRole(ben, "deputy", CLI_CONTEXT);
    await removeRole(ann, "iam_admin", as(ben));
    await removeRole(ben, "iam_admin", CLI_CONTEXT);
    expect(await enabledAdmins()).toEqual(["ben@example.test"]);
    await expect(removeRoleParent("deputy", "iam_admin", CLI_CONTEXT)).rejects.toMatchObject({
      code: "conflict",
      message: "deputy would no longer inherit iam_admin, leaving no enabled iam_admin; give iam_admin to someone directly first",
    });
    await expect(removeRole(ben, "deputy", CLI_CONTEXT)).rejects.toMatchObject({ code: "conflict" });
    await assignRole(ann, "iam_admin", CLI_CONTEXT);
    await removeRole(ben, "deputy", CLI_CONTEXT);
    await deleteRole("deputy", CLI_CONTEXT);
  });

  it("lets only one of two admins removing each other at the same instant succeed", async () => {
    const results = await Promise.allSettled([removeRole(ben, "iam_admin", as(ann)), removeRole(ann, "iam_admin", as(ben))]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    // Whoever comes second is no longer an iam_admin (so may not take it away), or would leave none: either refusal.
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(["privilege_escalation", "conflict"]).toContain(refused.reason.code);
    expect(await enabledAdmins()).toHaveLength(1);
  });

  it("lets only one of two operators' removals at the same instant succeed: the database refuses the other", async () => {
    const results = await Promise.allSettled([removeRole(ben, "iam_admin", CLI_CONTEXT), removeRole(ann, "iam_admin", CLI_CONTEXT)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict" } });
    expect(await enabledAdmins()).toHaveLength(1);
  });

  it("lets only one of a removal and a disabling at the same instant succeed", async () => {
    const results = await Promise.allSettled([setUserDisabled(ben, true, CLI_CONTEXT), removeRole(ann, "iam_admin", CLI_CONTEXT)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await enabledAdmins()).toHaveLength(1);
  });

  // Two sessions interleaved by hand, beneath lib/ and its policy lock: the second removal has already deleted its row
  // when it reaches the guard, and must wait for the first to commit, then count without it.
  it.runIf(process.env.PORTCULLIS_TEST_POSTGRES_URL)("holds for two raw transactions interleaved on PostgreSQL", async () => {
    const first = new pg.Client({ connectionString: database.url });
    const second = new pg.Client({ connectionString: database.url });
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query("BEGIN");
      await second.query("BEGIN");
      await first.query(`DELETE FROM "UserRole" WHERE "userId" = $1`, [ann]);
      const racing = second.query(`UPDATE "User" SET "disabledAt" = now() WHERE "id" = $1`, [ben]).then(
        () => null,
        (error: Error) => error,
      );
      // The second session is parked on the guard's lock until the first ends.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const waiting = await db().$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
      expect(Number(waiting[0].n)).toBe(1);
      await first.query("COMMIT");
      const refused = await racing;
      expect(refused?.message).toMatch(/^portcullis_last_admin: this change would leave no enabled iam_admin/);
      await second.query("ROLLBACK");
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    expect(await enabledAdmins()).toEqual(["ben@example.test"]);
  });
});
