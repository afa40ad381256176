import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { handleIntrospectionRequest } from "@/lib/oauth/introspection/handle-introspection-request";
import { oauthErrorResponse } from "@/lib/oauth/errors";
import { openTestDatabase } from "@/test/support/db";
import { formRequest, readJson, testClient, token } from "@/test/support/oauth";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let basicClient: { clientId: string; clientSecret: string | null };
let publicClient: { clientId: string; clientSecret: string | null };

beforeAll(async () => {
  database = await openTestDatabase();
  basicClient = await testClient({ token_endpoint_auth_method: "client_secret_basic" });
  publicClient = await testClient();
});
afterAll(() => database.close());

const REFUSED = { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed." } };

async function lastRefusal() {
  const [event] = await listAuditEvents(db(), { kinds: ["client.authentication_failed"], limit: 1 });
  return event;
}

async function introspect(params: Record<string, string>, init: { basic?: [string, string]; ip?: string } = {}) {
  const response = await handleIntrospectionRequest(formRequest("/oauth/introspect", params, init)).catch(oauthErrorResponse);
  return { status: response.status, body: await readJson(response) };
}

describe("failed client authentication (RFC 6749 §5.2)", () => {
  it("gives one answer for an unknown client, a wrong method and a wrong secret, and records which it was", async () => {
    const warnings = vi.spyOn(logger, "warn");
    const grant = { grant_type: "refresh_token", refresh_token: "pcr_x" };
    const cases: [string, Awaited<ReturnType<typeof token>>, { reason: string; clientId: string | null }][] = [
      ["unknown client", await token(grant, { basic: ["pcl_nobody", "pcs_guess"] }), { reason: "unknown client", clientId: null }],
      [
        "wrong method",
        await token({ ...grant, client_id: basicClient.clientId, client_secret: basicClient.clientSecret! }),
        { reason: "wrong authentication method: registered client_secret_basic, presented client_secret_post", clientId: basicClient.clientId },
      ],
      ["wrong secret", await token(grant, { basic: [basicClient.clientId, "pcs_wrong"] }), { reason: "wrong client secret", clientId: basicClient.clientId }],
      [
        "no secret",
        await token({ ...grant, client_id: basicClient.clientId }),
        { reason: "wrong authentication method: registered client_secret_basic, presented none", clientId: basicClient.clientId },
      ],
      ["no credentials", await token(grant), { reason: "no client credentials", clientId: null }],
    ];
    const events = (await listAuditEvents(db(), { kinds: ["client.authentication_failed"], limit: cases.length })).reverse();
    const logged = warnings.mock.calls.filter(([message]) => message === "client authentication failed").map(([, fields]) => fields?.reason);
    warnings.mockRestore();
    for (const [i, [, reply, recorded]] of cases.entries()) {
      expect(reply).toMatchObject(REFUSED);
      expect(events[i]).toMatchObject({ actor: "anonymous", ip: "192.0.2.10", ...recorded });
    }
    // The unknown id is kept for investigation, but out of the indexed client column.
    expect(events[0].detail).toEqual({ presentedClientId: "pcl_nobody" });
    expect(logged).toEqual(cases.map(([, , r]) => r.reason));
    // Basic attempts still get their challenge.
    expect(cases[0][1].headers.get("www-authenticate")).toMatch(/^Basic realm="portcullis"/);
    expect(cases[1][1].headers.get("www-authenticate")).toBeNull();
  });

  it("refuses a public client at introspection with the same answer, not one that confirms the client exists", async () => {
    expect(await introspect({ token: "x", client_id: publicClient.clientId })).toMatchObject(REFUSED);
    expect(await lastRefusal()).toMatchObject({ clientId: publicClient.clientId, reason: "public client at an endpoint for confidential clients" });
    expect(await introspect({ token: "x", client_id: "pcl_nobody" })).toMatchObject(REFUSED);
    expect(await introspect({ token: "x" }, { basic: [basicClient.clientId, basicClient.clientSecret!] })).toMatchObject({ status: 200, body: { active: false } });
  });

  it("stops auditing a flood from one address but keeps refusing it", async () => {
    const before = await db().auditEvent.count({ where: { kind: "client.authentication_failed", ip: "192.0.2.99" } });
    for (let i = 0; i < 70; i += 1) {
      expect(await introspect({ token: "x", client_id: `pcl_probe${i}` }, { ip: "192.0.2.99" })).toMatchObject(REFUSED);
    }
    expect(before).toBe(0);
    expect(await db().auditEvent.count({ where: { kind: "client.authentication_failed", ip: "192.0.2.99" } })).toBe(60);
  });
});
