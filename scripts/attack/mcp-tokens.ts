import { createHmac, createPublicKey } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import type { AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectBearerRefusal, send, type Reply } from "./http";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** Issue 4's forged and unusable tokens at /mcp: each is otherwise valid, so only the flaw under test can refuse it. */
export function attacks({ fx, database }: AttackDeps): AttackArea {
  const call = (headers: Record<string, string>, path = "/mcp"): Promise<Reply> =>
    send(`${fx.base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
    });
  const bearer = (token: string) => call({ authorization: `Bearer ${token}` });

  // The claims of a real token from the real flow: every forgery starts from them and changes one thing.
  let real: Promise<{ token: string; claims: Record<string, unknown>; kid: string }> | undefined;
  const realToken = () =>
    (real ??= (async () => {
      const tokens = await fx.freshTokens("account:read");
      const [header, payload] = tokens.access_token.split(".");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      const kid = JSON.parse(Buffer.from(header, "base64url").toString("utf8")).kid as string;
      // Control: the same claims, re-signed with the real key, are accepted — so a refusal below is for the flaw alone.
      const control = await bearer(await database.signWithRealKey({ ...claims, jti: claims.jti }));
      demand(control.status === 200, `control token (real claims, real key) was refused, so the forgeries prove nothing: ${control}`);
      return { token: tokens.access_token, claims, kid };
    })());
  const now = () => Math.floor(Date.now() / 1000);
  const forged = (change: (claims: Record<string, unknown>) => Record<string, unknown>) =>
    realToken().then(({ claims }) => database.signWithRealKey(change({ ...claims })));

  const refused = (name: string, token: () => Promise<string>) =>
    attack(name, "401 invalid_token with a Bearer challenge", async () => expectBearerRefusal(await bearer(await token()), "invalid_token"));

  return {
    name: "Tokens at /mcp",
    cases: [
      refused("alg: none (unsigned token)", async () => {
        const { claims, kid } = await realToken();
        return `${b64({ alg: "none", typ: "at+jwt", kid })}.${b64(claims)}.`;
      }),
      refused("HS256 signed with the server's public key as the HMAC secret", async () => {
        const { claims, kid } = await realToken();
        const jwks = (await send(`${fx.base}/oauth/jwks`)).json<{ keys: JWK[] }>()!;
        const jwk = jwks.keys.find((k) => k.kid === kid)!;
        const pem = createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" }).export({ type: "spki", format: "pem" });
        const input = `${b64({ alg: "HS256", typ: "at+jwt", kid })}.${b64(claims)}`;
        return `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
      }),
      refused("expired (signed with the real key)", () => forged((c) => ({ ...c, iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }))),
      refused("not valid yet (nbf an hour ahead)", () => forged((c) => ({ ...c, iat: now(), nbf: now() + 3600, exp: now() + 7200 }))),
      refused("wrong audience (another resource)", () => forged((c) => ({ ...c, aud: "https://other-server.example/mcp" }))),
      refused("audience is the issuer, not the MCP resource", () => forged((c) => ({ ...c, aud: fx.issuer }))),
      refused("wrong issuer", () => forged((c) => ({ ...c, iss: "https://evil.example" }))),
      refused("unknown kid (real key, made-up key id)", async () => {
        const { claims } = await realToken();
        return database.signWithRealKey(claims, { kid: "attack-unknown-kid" });
      }),
      refused("token from another issuer's key, claiming the real kid", async () => {
        const { claims, kid } = await realToken();
        const { privateKey } = await generateKeyPair("ES256");
        return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" }).sign(privateKey);
      }),
      refused("token carrying its own key in the header (embedded jwk)", async () => {
        const { claims } = await realToken();
        const { privateKey, publicKey } = await generateKeyPair("ES256");
        return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "at+jwt", jwk: await exportJWK(publicKey) }).sign(privateKey);
      }),
      refused("RS256 token from a foreign key with a jku pointing elsewhere", async () => {
        const { claims } = await realToken();
        const { privateKey } = await generateKeyPair("RS256");
        return new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: "foreign", jku: "https://evil.example/jwks.json" }).sign(privateKey);
      }),
      refused("tampered payload (scope widened, signature kept)", async () => {
        const { token, claims } = await realToken();
        const [header, , signature] = token.split(".");
        return `${header}.${b64({ ...claims, scope: "account:read clients:write tokens:revoke" })}.${signature}`;
      }),
      refused("tampered payload (another user's sub, signature kept)", async () => {
        const { token, claims } = await realToken();
        const [header, , signature] = token.split(".");
        return `${header}.${b64({ ...claims, sub: fx.users.admin.id })}.${signature}`;
      }),
      refused("garbage instead of a JWT", async () => "not.a.jwt"),
      refused("refresh token presented as an access token", async () => (await fx.freshTokens()).refresh_token!),
      refused("revoked access token (RFC 7009 revocation by its client)", async () => {
        const tokens = await fx.freshTokens();
        demand((await bearer(tokens.access_token)).status === 200, "the token should work before revocation");
        const reply = await send(`${fx.base}/oauth/revoke`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: tokens.access_token, client_id: fx.clients.app.id }),
        });
        demand(reply.status === 200, `revocation failed: ${reply}`);
        return tokens.access_token;
      }),
      refused("token of a grant whose refresh token was revoked (the grant ends)", async () => {
        const tokens = await fx.freshTokens();
        const reply = await send(`${fx.base}/oauth/revoke`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: tokens.refresh_token!, client_id: fx.clients.app.id }),
        });
        demand(reply.status === 200, `revocation failed: ${reply}`);
        return tokens.access_token;
      }),
      attack("valid token in the query string instead of the header", "401 with no error code (no credentials sent, RFC 6750 §3.1)", async () => {
        const { token } = await realToken();
        expectBearerRefusal(await call({}, `/mcp?access_token=${encodeURIComponent(token)}`), null);
      }),
      attack("valid token in a form body field", "401 with no error code", async () => {
        const { token } = await realToken();
        const reply = await send(`${fx.base}/mcp`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json, text/event-stream" },
          body: new URLSearchParams({ access_token: token }),
        });
        expectBearerRefusal(reply, null);
      }),
      attack("no Authorization header", "401 with no error code", async () => expectBearerRefusal(await call({}), null)),
      attack("Authorization with another scheme (Basic)", "400 invalid_request with a Bearer challenge (RFC 6750 §3.1)", async () => {
        expectBearerRefusal(await call({ authorization: `Basic ${Buffer.from("admin@attack.test:x").toString("base64")}` }), "invalid_request", 400);
      }),
      attack("empty bearer token", "400/401 with a Bearer challenge", async () => {
        const reply = await call({ authorization: "Bearer " });
        demand([400, 401].includes(reply.status) && /^Bearer /.test(reply.headers.get("www-authenticate") ?? ""), `expected a Bearer refusal, got ${reply}`);
      }),
    ],
  };
}
