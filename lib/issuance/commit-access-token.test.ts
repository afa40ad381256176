import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appendAudit, CLI_CONTEXT, recordAudit, verifyAuditChain } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { commitAccessToken, GrantNoLongerLive } from "@/lib/issuance/commit-access-token";
import { createGrant } from "@/lib/issuance/create-grant";
import { prepareTokens } from "@/lib/issuance/prepare-tokens";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { testClient } from "@/test/support/oauth";
import { createUser } from "@/lib/users/create-user";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let userId: string;
let clientId: string;
beforeAll(async () => {
  database = await openTestDatabase();
  userId = (await createUser({ email: "svc-commit@example.test", name: "Svc", kind: "service", roles: ["reader"] }, CLI_CONTEXT)).id;
  clientId = (await testClient({ grant_types: ["client_credentials"], response_types: [], redirect_uris: [], token_endpoint_auth_method: "client_secret_basic" }, { serviceUser: "svc-commit@example.test" })).clientId;
});
afterAll(() => database.close());

const newGrant = () =>
  db().$transaction((tx) => createGrant(tx, { userId, clientId, scopes: ["clients:read"], resource: "http://localhost:3000/mcp", grantType: "client_credentials" }));

async function issue(grantId: string) {
  const prepare = () => prepareTokens({ grantId, subject: userId, clientId, scopes: ["clients:read"], resource: "http://localhost:3000/mcp" });
  return commitAccessToken(prepare, (issued) => ({ kind: "token.issued", actor: `client:${clientId}`, clientId, subject: userId, detail: { jti: issued.jti } }));
}

describe("commitAccessToken (group commit of tokens and their audit events)", () => {
  it("records every token with its event on one chain, while decisions and transactional changes append at the same time", async () => {
    const grantId = await newGrant();
    await issue(grantId); // the chain tail is now known: later batches attach in one statement
    const transactions = vi.spyOn(db(), "$transaction");
    const before = { tokens: await db().accessToken.count(), events: await db().auditEvent.count() };
    const results = await Promise.all([
      ...Array.from({ length: 120 }, () => issue(grantId)),
      ...Array.from({ length: 60 }, (_, i) => recordAudit({ kind: "decision.allow", actor: "user:u", tool: `t${i}`, decision: "allow" })),
      ...Array.from({ length: 5 }, (_, i) => db().$transaction((tx) => appendAudit(tx, [{ kind: "policy.changed", reason: `change ${i}` }]))),
    ]);
    const issued = results.slice(0, 120) as Array<{ jti: string }>;
    expect(new Set(issued.map((t) => t.jti)).size).toBe(120);
    expect(await db().accessToken.count()).toBe(before.tokens + 120);
    expect(await db().auditEvent.count()).toBe(before.events + 185);
    const events = await db().auditEvent.findMany({ where: { kind: "token.issued", clientId }, select: { detail: true } });
    const audited = new Set(events.map((e) => (e.detail as { jti: string }).jti));
    expect(issued.every((t) => audited.has(t.jti))).toBe(true);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, firstBreak: null });
    // The 120 tokens did not each take a transaction (5 were the concurrent changes; fallbacks are rare).
    expect(transactions.mock.calls.length).toBeLessThan(30);
  });

  it("refuses a token whose grant was revoked before its commit, records nothing for it, and keeps the others", async () => {
    const live = await newGrant();
    const doomed = await newGrant();
    await issue(live);
    const prepared = await prepareTokens({ grantId: doomed, subject: userId, clientId, scopes: ["clients:read"], resource: "http://localhost:3000/mcp" });
    await revokeGrant(doomed, CLI_CONTEXT, "test");
    const results = await Promise.allSettled([
      issue(live),
      commitAccessToken(async () => prepared, (issued) => ({ kind: "token.issued", clientId, detail: { jti: issued.jti } })),
      issue(live),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(GrantNoLongerLive);
    expect(await db().accessToken.findUnique({ where: { jti: prepared.access.jti } })).toBeNull();
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  it("attaches after events another writer appended meanwhile", async () => {
    const grantId = await newGrant();
    await issue(grantId);
    await db().$transaction((tx) => appendAudit(tx, [{ kind: "policy.changed", reason: "elsewhere" }]));
    const issued = await issue(grantId);
    const tail = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect((tail.detail as { jti: string }).jti).toBe(issued.jti);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });
});
