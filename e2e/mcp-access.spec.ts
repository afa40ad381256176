import { extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect, test } from "@playwright/test";
import { createUser, portcullis } from "./support/cli";
import { callToolOverHttp, MCP_URL, mcpClient } from "./support/mcp";
import { E2E_BASE_URL } from "./support/server";
import { mintToken } from "./support/tokens";

const METADATA_URL = `${E2E_BASE_URL}/.well-known/oauth-protected-resource/mcp`;

test("an MCP client without a token is pointed at the resource metadata and the built-in issuer", async ({ request }) => {
  const response = await callToolOverHttp(null, "whoami");
  expect(response.status).toBe(401);
  const challenge = extractWWWAuthenticateParams(response);
  expect(challenge.error).toBeUndefined();
  expect(challenge.resourceMetadataUrl?.href).toBe(METADATA_URL);
  expect(challenge.scope?.split(" ")).toEqual(expect.arrayContaining(["account:read", "clients:read", "audit:read"]));

  for (const url of [METADATA_URL, `${E2E_BASE_URL}/.well-known/oauth-protected-resource`]) {
    const metadata = await request.get(url);
    expect(metadata.status()).toBe(200);
    const body = await metadata.json();
    expect(body).toEqual({
      resource: MCP_URL,
      authorization_servers: [E2E_BASE_URL],
      scopes_supported: expect.any(Array),
      bearer_methods_supported: ["header"],
      resource_name: "Portcullis",
    });
    // The scopes the governance tools require (other journeys may have pointed their own tools at more).
    expect(body.scopes_supported).toEqual(
      expect.arrayContaining(["account:read", "audit:read", "clients:read", "clients:write", "policy:read", "tokens:revoke", "users:read"]),
    );
  }
});

test("a developer's client calls an allowed tool, is refused one beyond its token's scope, steps up and succeeds", async () => {
  const dev = createUser(["reader"], "mcp-dev");
  const first = mintToken({ user: dev.email, scopes: ["account:read"], clientName: "Cursor (e2e)" });

  const client = await mcpClient(first.token);
  expect(client.getServerVersion()?.name).toBe("portcullis");
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["whoami"]);
  const whoami = await client.callTool({ name: "whoami", arguments: {} });
  expect(whoami.structuredContent).toMatchObject({ user: { email: dev.email }, client: { name: "Cursor (e2e)" }, roles: ["reader"] });

  // The token lacks clients:read, which the user's role would allow: the step-up case.
  const refused = await callToolOverHttp(first.token, "list_clients");
  expect(refused.status).toBe(403);
  expect(refused.headers.get("www-authenticate")).toBe(
    `Bearer error="insufficient_scope", scope="account:read clients:read", resource_metadata="${METADATA_URL}", error_description="The list_clients tool requires the clients:read scope"`,
  );
  const viaSdk = await client.callTool({ name: "list_clients", arguments: {} }).catch((e: unknown) => e);
  expect(viaSdk).toBeInstanceOf(StreamableHTTPError);
  expect((viaSdk as StreamableHTTPError).code).toBe(403);
  await client.close();

  // Re-authorize under the same grant with the scope the challenge named.
  const scope = extractWWWAuthenticateParams(refused).scope!.split(" ");
  const stepped = mintToken({ user: dev.email, scopes: scope, client: first.clientId, grant: first.grantId });
  const upgraded = await mcpClient(stepped.token);
  expect((await upgraded.listTools()).tools.map((t) => t.name)).toEqual(["get_client", "list_clients", "whoami"]);
  const clients = await upgraded.callTool({ name: "list_clients", arguments: { search: "Cursor (e2e)" } });
  expect(clients.isError).toBeFalsy();
  expect((clients.structuredContent as { clients: Array<{ client_id: string; status: string }> }).clients).toContainEqual(
    expect.objectContaining({ client_id: first.clientId, status: "active" }),
  );
  await upgraded.close();

  const denials = JSON.parse(portcullis(["audit", "tail", "--kind", "decision.deny", "--json", "--limit", "50"]).stdout) as Array<{ tool: string; reason: string; actor: string }>;
  expect(denials).toContainEqual(
    expect.objectContaining({
      tool: "list_clients",
      actor: `user:${dev.id}`,
      reason: `user ${dev.email} → role reader → scope clients:read → denied: token scope lacks clients:read (granted: account:read)`,
    }),
  );
});

test("the endpoint refuses forged tokens, foreign browser origins and GET streams", async () => {
  const forged = await callToolOverHttp("eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.", "whoami");
  expect(forged.status).toBe(401);
  expect(forged.headers.get("www-authenticate")).toMatch(
    new RegExp(`^Bearer error="invalid_token", scope="[^"]+", resource_metadata="${METADATA_URL}", error_description="algorithm none is not accepted"$`),
  );

  const dev = createUser(["developer"], "mcp-origin");
  const { token } = mintToken({ user: dev.email, scopes: ["account:read"] });
  const foreign = await callToolOverHttp(token, "whoami", {}, { Origin: "https://attacker.example" });
  expect(foreign.status).toBe(403);
  expect(await foreign.json()).toMatchObject({ error: { message: "Forbidden: requests from origin https://attacker.example are not accepted" } });

  const stream = await fetch(MCP_URL, { headers: { Accept: "text/event-stream", Authorization: `Bearer ${token}` } });
  expect(stream.status).toBe(405);
  expect(stream.headers.get("allow")).toBe("POST, OPTIONS");
});
