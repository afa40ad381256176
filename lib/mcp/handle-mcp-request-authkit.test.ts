import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
/**
 * /mcp in `authkit` mode, through the route handler: AuthKit-shaped tokens minted by the WorkOS stand-in, the real SDK
 * client, a real database. What the library-level governance test cannot see: the HTTP answer and the decision event.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_CONTEXT } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { db } from "@/lib/db/client";
import { openTestDatabase } from "@/test/support/db";
import { reloadEnv } from "@/lib/env";
import { addUpstreamServer } from "@/lib/gateway/add-upstream-server";
import { handleGatewayRequest } from "@/lib/gateway/handle-gateway-request";
import { closeUpstreams } from "@/lib/gateway/upstream-client";
import { handleMcpRequest } from "@/lib/mcp/handle-mcp-request";
import { syncTools } from "@/lib/mcp/sync-tools";
import { updateWorkosLinking } from "@/lib/settings/update-workos-linking";
import { createUser } from "@/lib/users/create-user";
import { addRoleMapping } from "@/lib/workos/add-role-mapping";
import { revokeAuthkitAccess } from "@/lib/workos/revoke-authkit-access";
import { startWorkosStandin, type WorkosStandin } from "@/test/support/workos-standin";
import { startOwnUpstream } from "@/test/support/upstreams";

const RESOURCE = "http://localhost:3999/mcp";
const SETTINGS = ["PORTCULLIS_ISSUER_MODE", "WORKOS_AUTHKIT_DOMAIN", "WORKOS_API_URL", "WORKOS_API_KEY"];
let standin: WorkosStandin;
let database: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  standin = await startWorkosStandin();
  Object.assign(process.env, {
    PORTCULLIS_ISSUER_MODE: "authkit",
    WORKOS_AUTHKIT_DOMAIN: standin.origin,
    WORKOS_API_URL: standin.origin,
    WORKOS_API_KEY: standin.apiKey,
  });
  reloadEnv();
  database = await openTestDatabase();
  await syncTools();
  // acme.test's verified emails link to existing (unprivileged) accounts automatically; elsewhere.test's do not.
  await updateWorkosLinking({ autoLinkEmailDomains: ["acme.test"] }, CLI_CONTEXT);
}, 180_000);
afterAll(async () => {
  await database.close();
  await standin.close();
  for (const key of SETTINGS) delete process.env[key];
  reloadEnv();
});

/** Stands in for `clients approve`: the client AuthKit registered is active here, with an allow-list. */
async function approve(clientId: string, allowedScopes: string[]) {
  await changeTransaction(["policy"], (tx) => tx.client.update({ where: { id: clientId }, data: { status: "active", allowedScopes } }));
}

function callTool(token: string, name: string): Promise<Response> {
  return handleMcpRequest(
    new Request(RESOURCE, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } }),
    }),
  );
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "vitest", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(RESOURCE), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: (url, init) => handleMcpRequest(new Request(url, init)),
    }),
  );
  return client;
}

const lastDecision = () => db().auditEvent.findFirstOrThrow({ where: { kind: { startsWith: "decision." } }, orderBy: { seq: "desc" } });

describe("/mcp with AuthKit tokens", () => {
  it("audits the refusal of a deny-listed token against its client and user, as it does any other decision", async () => {
    const local = await createUser({ email: "erin@acme.test", name: "Erin", roles: ["reader"] }, CLI_CONTEXT);
    const erin = standin.addUser({ email: local.email, emailVerified: true });
    const token = await standin.mintAccessToken({ sub: erin.id, aud: RESOURCE, client_id: "client_01DENY", scope: "account:read" });
    await callTool(token, "whoami");
    await approve("client_01DENY", ["account:read"]);
    expect((await callTool(token, "whoami")).status).toBe(200);

    const jti = decodeJwt(token).jti!;
    await revokeAuthkitAccess({ kind: "token", value: jti, reason: "leaked" }, CLI_CONTEXT);
    const refused = await callTool(token, "whoami");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain('error_description="token has been revoked"');
    expect(await lastDecision()).toMatchObject({
      kind: "decision.deny",
      actor: `user:${local.id}`,
      subject: local.id,
      clientId: "client_01DENY",
      scopes: ["account:read"],
      reason: "denied: token has been revoked",
      detail: { stage: "authenticate", check: "authkit_token", status: 401, issuer: "authkit", jti, workosUserId: erin.id },
    });

    // A WorkOS user never linked here: attributed to the client, and nobody is created for a refused token.
    const stranger = standin.addUser({ email: "stranger@elsewhere.test", emailVerified: true });
    const strangerToken = await standin.mintAccessToken({ sub: stranger.id, aud: RESOURCE, client_id: "client_01DENY", scope: "account:read" });
    await revokeAuthkitAccess({ kind: "user", value: stranger.id, reason: "not one of ours" }, CLI_CONTEXT);
    expect((await callTool(strangerToken, "whoami")).status).toBe(401);
    expect(await lastDecision()).toMatchObject({
      actor: "client:client_01DENY",
      subject: null,
      clientId: "client_01DENY",
      reason: `denied: every token of user ${stranger.id} has been revoked`,
      detail: { issuer: "authkit", workosUserId: stranger.id },
    });
    expect(await db().user.count({ where: { email: stranger.email } })).toBe(0);
  });

  it("whoami counts mapped WorkOS roles in the effective scopes and callable tools, as the decisions do", async () => {
    const frank = standin.addUser({ email: "frank@acme.test", emailVerified: true });
    await addRoleMapping({ externalKind: "role", externalName: "support", role: "reader" }, CLI_CONTEXT);
    const token = await standin.mintAccessToken({ sub: frank.id, aud: RESOURCE, client_id: "client_01MAPPED", scope: "account:read clients:read", role: "support" });
    await callTool(token, "whoami");
    await approve("client_01MAPPED", ["account:read", "clients:read"]);

    const client = await connect(token);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
    const whoami = await client.callTool({ name: "whoami", arguments: {} });
    expect(whoami.structuredContent).toMatchObject({
      user: { email: "frank@acme.test" },
      roles: [],
      callable_tools: ["get_client", "list_clients", "whoami"],
      effective_scopes: expect.arrayContaining([
        { scope: "clients:read", reason: "user frank@acme.test → mapped workos role support → role reader → scope clients:read" },
      ]),
    });
    await client.close();
  });
});

describe("/mcp/<name> in authkit mode", () => {
  it("is refused 403 with a clear reason and no challenge, for AuthKit's /mcp tokens and any other, and recorded", async () => {
    const upstream = await startOwnUpstream(0);
    try {
      await addUpstreamServer({ name: "akgw", url: upstream.url, acceptAll: true }, CLI_CONTEXT);
      const gia = standin.addUser({ email: "gia@acme.test", emailVerified: true });
      for (const aud of [RESOURCE, `${RESOURCE}/akgw`]) {
        const token = await standin.mintAccessToken({ sub: gia.id, aud, client_id: "client_01GATEWAY", scope: "server:akgw" });
        const response = await handleGatewayRequest(
          new Request(`${RESOURCE}/akgw`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: `Bearer ${token}` },
            body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "greet", arguments: { name: "Gia" } } }),
          }),
          "akgw",
        );
        expect(response.status).toBe(403);
        expect(response.headers.get("www-authenticate")).toBeNull();
        const body = await response.json();
        expect(body).toMatchObject({ id: 3, error: { code: -32011 } });
        expect(body.error.message).toContain("is served only with Portcullis's built-in authorization server (PORTCULLIS_ISSUER_MODE=builtin)");
      }
      const denied = await db().auditEvent.findFirstOrThrow({ where: { kind: "decision.deny" }, orderBy: { seq: "desc" } });
      expect(denied.detail).toMatchObject({ stage: "authenticate", check: "issuer_mode", status: 403, server: "akgw" });
      expect(upstream.seen.filter((h) => h.authorization?.toString().includes("Bearer"))).toHaveLength(0);
    } finally {
      await closeUpstreams();
      await upstream.stop();
    }
  });
});
