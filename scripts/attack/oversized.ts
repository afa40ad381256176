import type { AttackDeps } from "./deps";
import { authorizeQuery, tokenRequest, basic } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectErrorPage, expectOAuthError, expectRedirectError, send } from "./http";

/** Inputs far larger than anything legitimate: each must be refused with its own error, never a 500 or a hang. */
export function attacks({ fx }: AttackDeps): AttackArea {
  const { app, service } = fx.clients;
  const register = (metadata: Record<string, unknown>) =>
    fx.register({ client_name: "Oversized", redirect_uris: ["http://127.0.0.1:3939/callback"], token_endpoint_auth_method: "none", ...metadata });
  let token: Promise<string> | undefined;
  const valid = () => (token ??= fx.freshTokens("account:read").then((t) => t.access_token));

  return {
    name: "Oversized inputs",
    cases: [
      attack("huge scope string at /oauth/authorize (12 KB)", "redirect with error=invalid_scope", async () => {
        const reply = await fx.developer.get(authorizeQuery(fx, app, { scope: Array.from({ length: 1500 }, (_, i) => `s${i}`).join(" ") }));
        expectRedirectError(reply, app.redirectUri, "invalid_scope", "attack-state", fx.issuer);
      }),
      attack("huge scope string at /oauth/token (8 KB)", "400 invalid_request", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "client_credentials", scope: "account:read ".repeat(700) }, { authorization: basic(service.id, service.secret!) }), 400, "invalid_request");
      }),
      attack("huge client_id at /oauth/authorize (5 KB)", "400 page invalid_client", async () => {
        expectErrorPage(await fx.developer.get(authorizeQuery(fx, { ...app, id: `pcl_${"a".repeat(5000)}` })), 400, "invalid_client");
      }),
      attack("huge metadata-document client_id at /oauth/authorize (5 KB URL)", "400 page invalid_client", async () => {
        expectErrorPage(await fx.developer.get(authorizeQuery(fx, { ...app, id: `https://app.example/${"a".repeat(5000)}` })), 400, "invalid_client");
      }),
      attack("huge client name at registration (10 KB)", "400 invalid_client_metadata", async () => {
        expectOAuthError(await register({ client_name: "N".repeat(10_000) }), 400, "invalid_client_metadata");
      }),
      attack("many redirect URIs at registration (500)", "400 invalid_redirect_uri", async () => {
        expectOAuthError(await register({ redirect_uris: Array.from({ length: 500 }, (_, i) => `http://127.0.0.1:${3000 + i}/cb`) }), 400, "invalid_redirect_uri");
      }),
      attack("huge scope at registration (20 KB)", "400 invalid_client_metadata", async () => {
        expectOAuthError(await register({ scope: "account:read ".repeat(1600) }), 400, "invalid_client_metadata");
      }),
      attack("registration body of 1 MiB", "413 invalid_request", async () => {
        expectOAuthError(await register({ software_statement: "x".repeat(1024 * 1024) }), 413, "invalid_request");
      }),
      attack("deeply nested JSON at registration", "400 invalid_client_metadata or invalid_request", async () => {
        const nested = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
        const body = `{"client_name":"Nested","redirect_uris":["http://127.0.0.1:3939/callback"],"token_endpoint_auth_method":"none","contacts":${nested}}`;
        const reply = await send(`${fx.base}/oauth/register`, { method: "POST", headers: { "content-type": "application/json" }, body });
        demand(reply.status === 400 && ["invalid_client_metadata", "invalid_request"].includes(reply.json()?.error as string), `expected 400, got ${reply}`);
      }),
      attack("deeply nested JSON at /mcp (300k levels)", "400 JSON-RPC error", async () => {
        const reply = await send(`${fx.base}/mcp`, {
          method: "POST",
          headers: { authorization: `Bearer ${await valid()}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: `${"[".repeat(300_000)}${"]".repeat(300_000)}`,
        });
        const code = reply.json<{ error?: { code: number } }>()?.error?.code;
        demand(reply.status === 400 && (code === -32700 || code === -32600), `expected 400 with a JSON-RPC error, got ${reply}`);
      }),
      attack("tool arguments of 900 KB (under the body limit)", "answered without a 5xx", async () => {
        const reply = await send(`${fx.base}/mcp`, {
          method: "POST",
          headers: { authorization: `Bearer ${await valid()}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "whoami", arguments: { pad: "x".repeat(900 * 1024) } } }),
        });
        demand(reply.status < 500 && reply.json()?.jsonrpc === "2.0", `expected a JSON-RPC answer, got ${reply}`);
      }),
      attack("long user code on the device page (5 KB)", "200 page saying the code is not valid", async () => {
        const reply = await fx.developer.get(`/oauth/device?user_code=${"A".repeat(5000)}`);
        demand(reply.status === 200 && reply.text.includes("That code is not valid"), `expected the invalid-code page, got ${reply}`);
      }),
      attack("long user code at the device token endpoint (4 KB device_code)", "400 invalid_grant", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: "D".repeat(4000), client_id: fx.clients.other.id }), 400, "invalid_grant");
      }),
      attack("consent form of 40 KB", "403 page access_denied", async () => {
        const reply = await fx.developer.postForm("/oauth/authorize", { pad: "x".repeat(40 * 1024), decision: "allow" }, { origin: fx.base });
        expectErrorPage(reply, 403, "access_denied");
      }),
      attack("Origin header of 8 KB at /mcp", "403 JSON-RPC -32000", async () => {
        const reply = await send(`${fx.base}/mcp`, { method: "POST", headers: { origin: `https://${"o".repeat(8000)}.example`, "content-type": "application/json" }, body: "{}" });
        demand(reply.status === 403 && reply.json<{ error?: { code: number } }>()?.error?.code === -32000, `expected 403, got ${reply}`);
      }),
    ],
  };
}
