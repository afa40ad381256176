import { authorizeQuery, basic, tokenRequest, type AttackDeps } from "./deps";
import { pkcePair } from "./fixtures";
import { attack, demand, type AttackArea } from "./harness";
import { expectBearerRefusal, expectErrorPage, expectOAuthError, expectRedirectError, send } from "./http";

/** Issue 3's bad-input list, at /oauth/authorize and /oauth/token, with the real clients and flows. */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  const { app, other, pending, rejected, suspended, service } = fx.clients;
  const browser = fx.developer;
  const callbackPort = new URL(app.redirectUri).port;
  const mcpCall = (token: string) =>
    send(`${fx.base}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
    });
  const codeFields = (code: string, verifier: string, client = app) => ({
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: client.redirectUri,
    client_id: client.id,
  });

  const redirectTricks: Array<[string, string]> = [
    ["prefix of the registered URI", `http://127.0.0.1:${callbackPort}/call`],
    ["registered URI plus a path suffix", `${app.redirectUri}/../../evil`],
    ["registered URI plus an extra path segment", `${app.redirectUri}/evil`],
    ["registered URI with a query added", `${app.redirectUri}?next=https://evil.example`],
    ["another port on the same host", `http://127.0.0.1:${Number(callbackPort) + 1}/callback`],
    ["a trailing slash", `${app.redirectUri}/`],
    ["different case in the path", app.redirectUri.replace("/callback", "/Callback")],
    ["different case in the scheme and host", app.redirectUri.replace("http://127.0.0.1", "HTTP://LOCALHOST")],
    ["userinfo before the registered host", `http://127.0.0.1:${callbackPort}@evil.example/callback`],
    ["userinfo added to the registered URI", `http://attacker@127.0.0.1:${callbackPort}/callback`],
    ["a fragment appended", `${app.redirectUri}#evil`],
    ["the registered host as a subdomain of another", `http://127.0.0.1.evil.example:${callbackPort}/callback`],
    ["percent-encoded path", app.redirectUri.replace("/callback", "/%63allback")],
    ["an https upgrade of the registered URI", app.redirectUri.replace("http:", "https:")],
    ["a completely foreign URI", "https://evil.example/callback"],
  ];

  return {
    name: "Authorization server",
    cases: [
      attack("unknown client at /oauth/authorize", "400 page invalid_client, no redirect", async () => {
        expectErrorPage(await browser.get(authorizeQuery(fx, { ...app, id: "pcl_does_not_exist" })), 400, "invalid_client");
      }),
      attack("unknown client at /oauth/token", "401 invalid_client", async () => {
        expectOAuthError(await tokenRequest(fx, codeFields("x", pkcePair().verifier, { ...app, id: "pcl_does_not_exist" })), 401, "invalid_client");
      }),
      attack("pending client at /oauth/authorize", "403 page unauthorized_client saying approval is pending", async () => {
        expectErrorPage(await browser.get(authorizeQuery(fx, pending)), 403, "unauthorized_client", "has not approved it yet");
      }),
      attack("rejected client at /oauth/authorize", "403 page unauthorized_client", async () => {
        expectErrorPage(await browser.get(authorizeQuery(fx, rejected)), 403, "unauthorized_client", "has been rejected");
      }),
      attack("suspended client at /oauth/authorize", "403 page unauthorized_client", async () => {
        expectErrorPage(await browser.get(authorizeQuery(fx, suspended)), 403, "unauthorized_client", "has been suspended");
      }),
      ...[pending, rejected, suspended].map((client, i) =>
        attack(`${["pending", "rejected", "suspended"][i]} client at /oauth/token`, "400 unauthorized_client", async () => {
          expectOAuthError(await tokenRequest(fx, codeFields("made-up-code", pkcePair().verifier, client)), 400, "unauthorized_client");
        }),
      ),
      ...redirectTricks.map(([what, uri]) =>
        attack(`redirect_uri mismatch: ${what}`, "400 page invalid_request, nothing sent to the URI", async () => {
          expectErrorPage(await browser.get(authorizeQuery(fx, app, { redirect_uri: uri })), 400, "invalid_request", "not one this client registered");
        }),
      ),
      attack("no redirect_uri at all", "400 page invalid_request", async () => {
        expectErrorPage(await browser.get(authorizeQuery(fx, app, { redirect_uri: null })), 400, "invalid_request");
      }),
      attack("authorization request without PKCE", "redirect with error=invalid_request, no code", async () => {
        const reply = await browser.get(authorizeQuery(fx, app, { code_challenge: null, code_challenge_method: null }));
        expectRedirectError(reply, app.redirectUri, "invalid_request", "attack-state", fx.issuer);
      }),
      attack("PKCE with code_challenge_method=plain", "redirect with error=invalid_request, no code", async () => {
        const { verifier } = pkcePair();
        const reply = await browser.get(authorizeQuery(fx, app, { code_challenge: verifier, code_challenge_method: "plain" }));
        expectRedirectError(reply, app.redirectUri, "invalid_request", "attack-state", fx.issuer);
      }),
      attack("PKCE challenge without a method (defaults to plain elsewhere)", "redirect with error=invalid_request", async () => {
        const reply = await browser.get(authorizeQuery(fx, app, { code_challenge_method: null }));
        expectRedirectError(reply, app.redirectUri, "invalid_request", "attack-state", fx.issuer);
      }),
      attack("response_type=token (implicit grant)", "redirect with error=unsupported_response_type", async () => {
        const reply = await browser.get(authorizeQuery(fx, app, { response_type: "token" }));
        expectRedirectError(reply, app.redirectUri, "unsupported_response_type", "attack-state", fx.issuer);
      }),
      attack("resource naming another server at /oauth/authorize", "redirect with error=invalid_target", async () => {
        const reply = await browser.get(authorizeQuery(fx, app, { resource: "https://other-server.example/mcp" }));
        expectRedirectError(reply, app.redirectUri, "invalid_target", "attack-state", fx.issuer);
      }),
      attack("unknown scope requested", "redirect with error=invalid_scope", async () => {
        const reply = await browser.get(authorizeQuery(fx, app, { scope: "account:read admin:everything" }));
        expectRedirectError(reply, app.redirectUri, "invalid_scope", "attack-state", fx.issuer);
      }),
      attack("repeated client_id at /oauth/authorize", "400 page invalid_request", async () => {
        const query = `${authorizeQuery(fx, app)}&client_id=${encodeURIComponent(other.id)}`;
        expectErrorPage(await browser.get(query), 400, "invalid_request", "repeated");
      }),
      attack("repeated redirect_uri at /oauth/authorize", "400 page invalid_request", async () => {
        const query = `${authorizeQuery(fx, app)}&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`;
        expectErrorPage(await browser.get(query), 400, "invalid_request", "repeated");
      }),
      attack("wrong PKCE verifier", "400 invalid_grant", async () => {
        const { code } = await fx.authorize(app);
        expectOAuthError(await tokenRequest(fx, codeFields(code, pkcePair().verifier)), 400, "invalid_grant");
      }),
      attack("code exchanged with the wrong redirect_uri", "400 invalid_grant", async () => {
        const { code, verifier } = await fx.authorize(app);
        expectOAuthError(await tokenRequest(fx, { ...codeFields(code, verifier), redirect_uri: `${app.redirectUri}/x` }), 400, "invalid_grant");
      }),
      attack("code replay (and what was issued from it is revoked)", "400 invalid_grant; first tokens then refused", async () => {
        const { code, verifier } = await fx.authorize(app);
        const first = await tokenRequest(fx, codeFields(code, verifier));
        demand(first.status === 200, `the first exchange should succeed: ${first}`);
        const tokens = first.json<{ access_token: string; refresh_token: string }>()!;
        demand((await mcpCall(tokens.access_token)).status === 200, "the first access token should work before the replay");
        expectOAuthError(await tokenRequest(fx, codeFields(code, verifier)), 400, "invalid_grant");
        expectBearerRefusal(await mcpCall(tokens.access_token), "invalid_token");
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: app.id }), 400, "invalid_grant");
      }),
      attack("code issued to one client redeemed by another", "400 invalid_grant", async () => {
        const { code, verifier } = await fx.authorize(app);
        expectOAuthError(await tokenRequest(fx, { ...codeFields(code, verifier, other) }), 400, "invalid_grant");
      }),
      attack("expired authorization code", "400 invalid_grant", async () => {
        const { code, verifier } = await fx.authorize(app);
        demand((await database.expireAuthorizationCode(code)) === 1, "could not age the code in the database");
        const reply = await tokenRequest(fx, codeFields(code, verifier));
        expectOAuthError(reply, 400, "invalid_grant");
        demand(String(reply.json()?.error_description).includes("expired"), `refused for another reason: ${reply}`);
      }),
      attack("made-up authorization code", "400 invalid_grant", async () => {
        expectOAuthError(await tokenRequest(fx, codeFields("pcl_code_guessed", pkcePair().verifier)), 400, "invalid_grant");
      }),
      attack("refresh token reuse revokes the whole grant", "400 invalid_grant; rotated refresh and access tokens refused", async () => {
        const tokens = await fx.freshTokens();
        const rotated = await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: app.id });
        demand(rotated.status === 200, `the first refresh should succeed: ${rotated}`);
        const next = rotated.json<{ access_token: string; refresh_token: string }>()!;
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: app.id }), 400, "invalid_grant");
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: next.refresh_token, client_id: app.id }), 400, "invalid_grant");
        expectBearerRefusal(await mcpCall(next.access_token), "invalid_token");
      }),
      attack("scope escalation on refresh", "400 invalid_scope", async () => {
        const tokens = await fx.freshTokens("account:read");
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: app.id, scope: "account:read clients:write" }), 400, "invalid_scope");
      }),
      attack("refresh token presented by another client", "400 invalid_grant", async () => {
        const tokens = await fx.freshTokens();
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: other.id }), 400, "invalid_grant");
      }),
      attack("resource naming another server at /oauth/token (code exchange)", "400 invalid_target", async () => {
        const { code, verifier } = await fx.authorize(app);
        expectOAuthError(await tokenRequest(fx, { ...codeFields(code, verifier), resource: "https://other-server.example/mcp" }), 400, "invalid_target");
      }),
      attack("resource naming another server at /oauth/token (refresh)", "400 invalid_target", async () => {
        const tokens = await fx.freshTokens();
        expectOAuthError(await tokenRequest(fx, { grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: app.id, resource: "https://other-server.example/mcp" }), 400, "invalid_target");
      }),
      attack("malformed token request body (invalid UTF-8)", "400 invalid_request", async () => {
        const body = Buffer.concat([Buffer.from("grant_type=client_credentials&scope="), Buffer.from([0xff, 0xfe, 0xc3])]);
        expectOAuthError(await send(`${fx.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(service.id, service.secret!) }, body }), 400, "invalid_request");
      }),
      attack("oversized token request body (64 KiB)", "413 invalid_request", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "client_credentials", scope: "x".repeat(64 * 1024) }, { authorization: basic(service.id, service.secret!) }), 413, "invalid_request");
      }),
      attack("token request sent as JSON", "400 invalid_request", async () => {
        const reply = await send(`${fx.base}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: basic(service.id, service.secret!) },
          body: JSON.stringify({ grant_type: "client_credentials" }),
        });
        expectOAuthError(reply, 400, "invalid_request");
      }),
      attack("token request without a content type", "400 invalid_request", async () => {
        const reply = await send(`${fx.base}/oauth/token`, { method: "POST", headers: { authorization: basic(service.id, service.secret!) }, body: new Blob(["grant_type=client_credentials"]) });
        expectOAuthError(reply, 400, "invalid_request");
      }),
      attack("repeated parameter at /oauth/token", "400 invalid_request", async () => {
        const reply = await send(`${fx.base}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(service.id, service.secret!) },
          body: "grant_type=client_credentials&scope=account:read&scope=clients:write",
        });
        expectOAuthError(reply, 400, "invalid_request");
      }),
      attack("wrong client secret (client_secret_basic)", "401 invalid_client with a Basic challenge", async () => {
        const reply = await tokenRequest(fx, { grant_type: "client_credentials" }, { authorization: basic(service.id, "pcl_secret_wrong") });
        expectOAuthError(reply, 401, "invalid_client");
        demand(/^Basic /.test(reply.headers.get("www-authenticate") ?? ""), `no Basic challenge: ${reply}`);
      }),
      attack("client secret sent by another method than registered (client_secret_post)", "401 invalid_client", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "client_credentials", client_id: service.id, client_secret: service.secret! }), 401, "invalid_client");
      }),
      attack("confidential client with no secret at all", "401 invalid_client", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "client_credentials", client_id: service.id }), 401, "invalid_client");
      }),
      attack("client_credentials for a public client", "400 unauthorized_client", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "client_credentials", client_id: app.id }), 400, "unauthorized_client");
      }),
      attack("client_credentials asking for a scope the service identity lacks", "400 invalid_scope", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "client_credentials", scope: "clients:write" }, { authorization: basic(service.id, service.secret!) }), 400, "invalid_scope");
      }),
      attack("unsupported grant type (password)", "400 unsupported_grant_type", async () => {
        expectOAuthError(await tokenRequest(fx, { grant_type: "password", username: "admin@attack.test", password: fx.password, client_id: app.id }), 400, "unsupported_grant_type");
      }),
      attack("token revoked by another client at /oauth/revoke", "200 (RFC 7009) and the token still works", async () => {
        const tokens = await fx.freshTokens();
        const reply = await send(`${fx.base}/oauth/revoke`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: tokens.access_token, client_id: other.id }),
        });
        demand(reply.status === 200 || (reply.status === 400 && reply.json()?.error === "unauthorized_client"), `unexpected answer: ${reply}`);
        demand((await mcpCall(tokens.access_token)).status === 200, "another client revoked this client's token");
      }),
      attack("introspection by a public client", "401 invalid_client", async () => {
        const tokens = await fx.freshTokens();
        const reply = await send(`${fx.base}/oauth/introspect`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: tokens.access_token, client_id: app.id }),
        });
        expectOAuthError(reply, 401, "invalid_client");
      }),
    ],
  };
}
