import { extractWWWAuthenticateParams } from "@modelcontextprotocol/client";
import { expect, test } from "@playwright/test";
import { createUser } from "./support/cli";
import { callToolOverHttp, MCP_URL } from "./support/mcp";
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
