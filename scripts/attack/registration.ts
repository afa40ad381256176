import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectErrorPage, expectOAuthError, send } from "./http";

const CALLBACK = "http://127.0.0.1:3939/callback";

/** RFC 7591 registration and Client ID Metadata Documents with hostile metadata. */
export function attacks({ fx, cimd }: AttackDeps): AttackArea {
  const registerWith = (redirect_uris: unknown, extra: Record<string, unknown> = {}) =>
    fx.register({ client_name: "Hostile registration", redirect_uris, grant_types: ["authorization_code"], token_endpoint_auth_method: "none", ...extra });
  const badRedirect = (what: string, uri: string) =>
    attack(`register a redirect URI: ${what}`, "400 invalid_redirect_uri", async () => {
      expectOAuthError(await registerWith([uri]), 400, "invalid_redirect_uri");
    });
  const documentAt = (path: string) => `${cimd.documents.base}${path}`;
  const authorizeDocument = (clientId: string) => {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: CALLBACK,
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      state: "s",
    });
    return send(`${cimd.base}/oauth/authorize?${params}`);
  };
  const badDocument = (what: string, path: string, mentions: string) =>
    attack(`metadata document ${what}`, `400 page invalid_client ("${mentions}")`, async () => {
      expectErrorPage(await authorizeDocument(documentAt(path)), 400, "invalid_client", mentions);
    });

  return {
    name: "Registration and CIMD",
    cases: [
      badRedirect("javascript: scheme", "javascript:alert(document.cookie)//"),
      badRedirect("data: scheme", "data:text/html,<script>alert(1)</script>"),
      badRedirect("vbscript: scheme", "vbscript:msgbox(1)"),
      badRedirect("file: scheme", "file:///etc/passwd"),
      badRedirect("plain http on a public host", "http://evil.example/callback"),
      badRedirect("a fragment", "https://app.example/callback#frag"),
      badRedirect("a wildcard host", "https://*.example.com/callback"),
      badRedirect("userinfo", "https://user:pass@app.example/callback"),
      badRedirect("not a URL at all", "not a url"),
      badRedirect("a relative path", "/callback"),
      attack("register redirect_uris as a string instead of an array", "400 invalid_redirect_uri or invalid_client_metadata", async () => {
        const reply = await registerWith("https://app.example/callback");
        demand(reply.status === 400 && ["invalid_redirect_uri", "invalid_client_metadata"].includes(reply.json()?.error as string), `expected 400, got ${reply}`);
      }),
      attack("register a public client for client_credentials", "400 invalid_client_metadata", async () => {
        expectOAuthError(await fx.register({ client_name: "x", grant_types: ["client_credentials"], token_endpoint_auth_method: "none" }), 400, "invalid_client_metadata");
      }),
      attack("register the implicit grant (response_type token)", "400 invalid_client_metadata", async () => {
        expectOAuthError(await registerWith([CALLBACK], { response_types: ["token"], grant_types: ["implicit"] }), 400, "invalid_client_metadata");
      }),
      attack("register with an unknown auth method", "400 invalid_client_metadata", async () => {
        expectOAuthError(await registerWith([CALLBACK], { token_endpoint_auth_method: "tls_client_auth" }), 400, "invalid_client_metadata");
      }),
      attack("register choosing its own client_id (take over an approved client)", "201 with a new id, or 400; never the chosen id", async () => {
        const reply = await registerWith([CALLBACK], { client_id: fx.clients.app.id, client_secret: "chosen" });
        if (reply.status === 201) {
          demand(reply.json()?.client_id !== fx.clients.app.id, `registration took over an existing client id: ${reply}`);
          demand(reply.json()?.client_secret === undefined, `a public client got a secret: ${reply}`);
        } else expectOAuthError(reply, 400, "invalid_client_metadata");
      }),
      attack("register a JSON array body", "400 invalid_request", async () => {
        const reply = await send(`${fx.base}/oauth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: "[]" });
        expectOAuthError(reply, 400, "invalid_request");
      }),
      attack("register with malformed JSON", "400 invalid_request", async () => {
        const reply = await send(`${fx.base}/oauth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"redirect_uris":[' });
        expectOAuthError(reply, 400, "invalid_request");
      }),
      attack("register with a form body", "400 invalid_request", async () => {
        const reply = await send(`${fx.base}/oauth/register`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `redirect_uris=${encodeURIComponent(CALLBACK)}` });
        expectOAuthError(reply, 400, "invalid_request");
      }),
      attack("a freshly registered client asks for a code before approval", "403 page unauthorized_client (pending)", async () => {
        const reply = await registerWith([CALLBACK], { scope: "clients:write tokens:revoke" });
        demand(reply.status === 201, `registration failed: ${reply}`);
        const id = reply.json()!.client_id as string;
        demand(!String(reply.json()!.scope ?? "").includes("clients:write"), `a new client was allowed a write scope: ${reply}`);
        const params = new URLSearchParams({ response_type: "code", client_id: id, redirect_uri: CALLBACK, code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" });
        expectErrorPage(await fx.developer.get(`/oauth/authorize?${params}`), 403, "unauthorized_client", "has not approved it yet");
      }),
      badDocument("whose client_id differs from its URL", "/mismatch.json", "client_id"),
      badDocument("larger than the limit (declared length)", "/huge.json", "larger than"),
      badDocument("larger than the limit (chunked, no length)", "/huge-chunked.json", "larger than"),
      badDocument("answering with a redirect", "/redirect.json", "redirect"),
      badDocument("redirecting to the cloud metadata address", "/redirect-internal.json", "redirect"),
      badDocument("served as text/html", "/html.json", "content type"),
      badDocument("that is not JSON", "/not-json.json", "not valid JSON"),
      badDocument("that never finishes (slow loris)", "/hang.json", "took longer than"),
      badDocument("listing a javascript: redirect URI", "/javascript-redirect.json", "redirect"),
      badDocument("that does not exist (404)", "/missing.json", "HTTP 404"),
      attack("metadata document client_id over http", "400 page invalid_client (must use https)", async () => {
        expectErrorPage(await authorizeDocument(documentAt("/mismatch.json").replace("https:", "http:")), 400, "invalid_client", "https");
      }),
      attack("metadata document client_id with a fragment", "400 page invalid_client", async () => {
        expectErrorPage(await authorizeDocument(`${documentAt("/mismatch.json")}#x`), 400, "invalid_client", "fragment");
      }),
      attack("metadata document client_id with dot segments", "400 page invalid_client", async () => {
        expectErrorPage(await authorizeDocument(`${cimd.documents.base}/a/%2e%2e/mismatch.json`), 400, "invalid_client");
      }),
    ],
  };
}
