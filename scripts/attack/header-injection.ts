import { randomUUID } from "node:crypto";
import type { AttackDeps } from "./deps";
import { authorizeQuery } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectBearerRefusal, rawRequest, send, type RawReply } from "./http";

const INJECTED = /^(set-cookie:\s*injected|x-injected)/im;

/** CR/LF smuggled into values the server reflects in headers, forged Host headers, and oversized or ambiguous framing. */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  const host = `localhost:${fx.port}`;
  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(fx.port, `GET ${path} HTTP/1.1\r\nHost: ${headers.Host ?? host}\r\n${Object.entries(headers).filter(([k]) => k !== "Host").map(([k, v]) => `${k}: ${v}\r\n`).join("")}Connection: close\r\n\r\n`);
  const clean = (reply: RawReply) => {
    demand(reply.status > 0 && reply.status < 500, `answered ${reply.status}: ${reply.head.slice(0, 300)}`);
    demand(!reply.headerLines.some((l) => INJECTED.test(l)), `an injected header came back:\n${reply.head}`);
  };
  const headerValue = (reply: RawReply, name: string) => reply.headerLines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? null;
  const crlf = "x\r\nSet-Cookie: injected=1\r\nX-Injected: 1";
  const forged = { Host: "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" };

  const kidInjection = (what: string, kid: string) =>
    attack(`token whose kid carries ${what} (reflected in WWW-Authenticate?)`, "401 invalid_token, one clean challenge", async () => {
      const tokens = await fx.freshTokens("account:read");
      const claims = JSON.parse(Buffer.from(tokens.access_token.split(".")[1], "base64url").toString("utf8"));
      const token = await database.signWithRealKey(claims, { kid });
      const reply = await send(`${fx.base}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
      });
      expectBearerRefusal(reply, "invalid_token");
      const challenge = reply.headers.get("www-authenticate")!;
      demand((challenge.match(/error=/g) ?? []).length === 1 && !/[\r\n]/.test(challenge), `the challenge was altered: ${challenge}`);
    });

  return {
    name: "Header injection",
    cases: [
      attack("CR/LF in state, reflected into the error redirect's Location", "302 to the client with state encoded; no injected header", async () => {
        const reply = await get(authorizeQuery(fx, fx.clients.app, { state: crlf, code_challenge: null }));
        clean(reply);
        const location = headerValue(reply, "location") ?? "";
        demand(reply.status === 302 && new URL(location).searchParams.get("state") === crlf, `state not carried back intact: ${reply.head}`);
      }),
      attack("CR/LF in scope, reflected into error_description in the Location", "302 invalid_scope; no injected header", async () => {
        const reply = await get(authorizeQuery(fx, fx.clients.app, { scope: `nope${crlf}` }));
        clean(reply);
        demand(reply.status === 302 && new URL(headerValue(reply, "location") ?? "").searchParams.get("error") === "invalid_scope", `expected the invalid_scope redirect: ${reply.head}`);
      }),
      attack("CR/LF in redirect_uri", "400 page; no redirect, no injected header", async () => {
        const reply = await get(authorizeQuery(fx, fx.clients.app, { redirect_uri: `${fx.clients.app.redirectUri}${crlf}` }));
        clean(reply);
        demand(reply.status === 400 && headerValue(reply, "location") === null, `expected a 400 page: ${reply.head}`);
      }),
      attack("CR/LF in the sign-in return path (from)", "no injected header", async () => {
        const reply = await get(`/login?from=${encodeURIComponent(`/clients${crlf}`)}`);
        clean(reply);
      }),
      attack("CR/LF in client_id at the token endpoint (Basic credentials)", "401 invalid_client; no injected header", async () => {
        const credentials = Buffer.from(`${encodeURIComponent(crlf)}:secret`).toString("base64");
        const body = "grant_type=client_credentials";
        const reply = await rawRequest(fx.port, `POST /oauth/token HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Basic ${credentials}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        clean(reply);
        demand(reply.status === 401 && reply.body.includes('"invalid_client"'), `expected 401 invalid_client: ${reply.head}\n${reply.body}`);
      }),
      kidInjection("CR/LF", crlf),
      kidInjection('a quote that would close the challenge parameter', 'x", error="none", scope="clients:write'),
      attack("X-Request-Id with markup is not echoed", "a fresh request id in the response", async () => {
        const reply = await get("/healthz", { "X-Request-Id": "<script>alert(1)</script>" });
        clean(reply);
        const id = headerValue(reply, "x-request-id") ?? "";
        demand(id !== "<script>alert(1)</script>" && /^[\w.:-]+$/.test(id), `the request id was echoed: ${id}`);
      }),
      attack("forged Host and X-Forwarded-Host on the authorization server metadata", "issuer and endpoints unchanged", async () => {
        const reply = await get("/.well-known/oauth-authorization-server", forged);
        clean(reply);
        const metadata = JSON.parse(reply.body.slice(reply.body.indexOf("{")));
        const urls = Object.values(metadata).filter((v): v is string => typeof v === "string" && v.startsWith("http"));
        demand(metadata.issuer === fx.issuer && urls.every((u) => u.startsWith(fx.issuer)), `metadata follows the forged host: ${reply.body.slice(0, 400)}`);
      }),
      attack("forged Host and X-Forwarded-Host on the protected resource metadata", "resource and authorization server unchanged", async () => {
        const reply = await get("/.well-known/oauth-protected-resource/mcp", forged);
        clean(reply);
        const metadata = JSON.parse(reply.body.slice(reply.body.indexOf("{")));
        demand(metadata.resource === fx.resource && metadata.authorization_servers?.[0] === fx.issuer, `metadata follows the forged host: ${reply.body.slice(0, 400)}`);
      }),
      attack("forged Host on /mcp's 401 challenge", "resource_metadata on the real issuer", async () => {
        const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
        const reply = await rawRequest(fx.port, `POST /mcp HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        clean(reply);
        const challenge = headerValue(reply, "www-authenticate") ?? "";
        demand(reply.status === 401 && challenge.includes(`resource_metadata="${fx.issuer}/`) && !challenge.includes("evil.example"), `challenge follows the forged host: ${challenge}`);
      }),
      attack("forged Host and X-Forwarded-Host on the sign-in redirect from /oauth/authorize", "redirect stays on this site", async () => {
        const reply = await get(authorizeQuery(fx, fx.clients.app), forged);
        clean(reply);
        const location = headerValue(reply, "location") ?? "";
        demand([302, 303, 307].includes(reply.status) && !location.includes("evil.example") && (location.startsWith("/") || location.startsWith(fx.issuer)), `redirect follows the forged host: ${location}`);
      }),
      attack("forged Host and X-Forwarded-Host on Auth.js sign-in redirects", "redirect stays on this site", async () => {
        const reply = await get("/api/auth/signin?callbackUrl=%2Fclients", forged);
        clean(reply);
        const location = headerValue(reply, "location") ?? "";
        demand(!location.includes("evil.example"), `redirect follows the forged host: ${location}`);
      }),
      attack("forged X-Forwarded-For from an untrusted peer (evading per-address limits)", "ignored: the audit log records the real peer", async () => {
        const marker = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
        const body = JSON.stringify({ client_name: `xff-${randomUUID()}`, redirect_uris: ["http://127.0.0.1:3939/callback"], token_endpoint_auth_method: "none" });
        const reply = await rawRequest(fx.port, `POST /oauth/register HTTP/1.1\r\nHost: ${host}\r\nX-Forwarded-For: ${marker}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        demand(reply.status === 201, `the registration itself failed: ${reply.head}`);
        const spoofed = await database.countAudit({ kind: "client.registered", ip: marker });
        const real = await database.countAudit({ kind: "client.registered", ip: "127.0.0.1" });
        demand(spoofed === 0 && real > 0, `${spoofed} audit event(s) recorded the forged address ${marker}`);
      }),
      attack("oversized header (64 KiB cookie)", "431", async () => {
        const reply = await get("/", { Cookie: `a=${"x".repeat(64 * 1024)}` });
        demand(reply.status === 431, `expected 431, got ${reply.status}`);
      }),
      attack("oversized request line (100 KiB URL)", "431 or 414", async () => {
        const reply = await get(`/oauth/authorize?scope=${"a".repeat(100 * 1024)}`);
        demand([414, 431].includes(reply.status), `expected 414/431, got ${reply.status}`);
      }),
      attack("request smuggling: Content-Length and Transfer-Encoding together", "400", async () => {
        const reply = await rawRequest(fx.port, `POST /oauth/token HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n`);
        demand(reply.status === 400, `expected 400, got ${reply.status}`);
      }),
      attack("request smuggling: two different Content-Length headers", "400", async () => {
        const reply = await rawRequest(fx.port, `POST /oauth/token HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nContent-Length: 30\r\nConnection: close\r\n\r\ngrant_type=client_credentials`);
        demand(reply.status === 400, `expected 400, got ${reply.status}`);
      }),
      attack("bare LF header injection in a request header", "400", async () => {
        const reply = await rawRequest(fx.port, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Test: a\rX-Injected: 1\r\nConnection: close\r\n\r\n`);
        demand(reply.status === 400, `expected 400, got ${reply.status}`);
      }),
    ],
  };
}
