import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { basic, tokenRequest, type AttackDeps } from "./deps";
import { attack, demand, type AttackArea } from "./harness";
import { expectOAuthError, send, type Reply } from "./http";
import { now, sign, signer } from "./signing";

const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";


function unsigned(claims: JWTPayload, alg: "none" | "HS256", typ = "JWT"): Promise<string> | string {
  const full = { iat: now(), exp: now() + 120, jti: randomUUID(), ...claims };
  if (alg === "HS256") return new SignJWT(full).setProtectedHeader({ alg, typ }).sign(new TextEncoder().encode("guessable shared secret"));
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ })}.${part(full)}.`;
}

/**
 * Signed assertions: private_key_jwt client assertions (RFC 7523 §2.2) and ID-JAGs (the jwt-bearer grant of
 * enterprise-managed authorization) of every malformed kind — forged, unsigned or HMAC-signed, expired, from the future,
 * replayed, for another audience, client or resource, from an untrusted issuer, oversized — and key sets at a private
 * address, behind a redirect, or that never answer. A bad client assertion is 401 invalid_client, a bad ID-JAG
 * 400 invalid_grant; never a token, never a 500.
 */
export function attacks({ fx, database, cimd }: AttackDeps): AttackArea {
  const setup = (async () => {
    const clientKey = await signer("ES256");
    const idpKey = await signer("RS256");
    const register = async (metadata: Record<string, unknown>) => {
      const reply = await fx.register({ client_name: "Attack key client", grant_types: ["client_credentials"], redirect_uris: [], token_endpoint_auth_method: "private_key_jwt", ...metadata });
      demand(reply.status === 201, `registering a private_key_jwt client failed: ${reply}`);
      return reply.json<{ client_id: string }>()!.client_id;
    };
    const keyClient = await register({ jwks: { keys: [clientKey.publicJwk] } });
    await database.setClientStatus(keyClient, "active", fx.users.service.email);
    const privateJwks = await register({ jwks_uri: `https://127.0.0.1:${cimd.documents.port}/jwks.json` });

    // The metadata-document instance may fetch from this machine: the IdP's keys and the hostile key sets live there.
    const idpIssuer = `${cimd.documents.base}/idp`;
    cimd.documents.set("/idp/jwks.json", { keys: [idpKey.publicJwk] });
    const made = await new Promise<{ jag: { id: string; secret: string }; redirecting: string; hanging: string }>((resolve, reject) => {
      const child = spawn("node_modules/.bin/tsx", ["scripts/attack/assertions-operator.ts"], {
        env: {
          ...process.env,
          PORTCULLIS_DATA_DIR: dirname(cimd.documents.caFile),
          DATABASE_URL: "",
          PORTCULLIS_SECRET: "",
          PORTCULLIS_BASE_URL: cimd.base,
          ATTACK_IDP_ISSUER: idpIssuer,
          ATTACK_IDP_JWKS: `${idpIssuer}/jwks.json`,
          ATTACK_DOCUMENTS: cimd.documents.base,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("exit", (code) => {
        const line = output.split("\n").find((l) => l.startsWith('{"jag"'));
        if (code === 0 && line) resolve(JSON.parse(line));
        else reject(new Error(`assertions-operator failed (${code}): ${output}`));
      });
    });
    return { clientKey, idpKey, keyClient, privateJwks, idpIssuer, ...made };
  })();
  // A rejection here fails each case that needs it, with the reason, rather than the whole run.
  setup.catch(() => undefined);

  const clientClaims = (clientId: string, extra: JWTPayload = {}) => ({ iss: clientId, sub: clientId, aud: fx.issuer, ...extra });
  const withAssertion = (assertion: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    tokenRequest(fx, { grant_type: "client_credentials", client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion, ...extra }, headers);
  const onCimd = (fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> =>
    send(`${cimd.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) });
  const refusedClient = (reply: Reply) => expectOAuthError(reply, 401, "invalid_client");

  const clientCase = (name: string, build: (s: Awaited<typeof setup>) => Promise<string> | string) =>
    attack(`client assertion ${name}`, "401 invalid_client, no token", async () => {
      const s = await setup;
      refusedClient(await withAssertion(await build(s)));
    });

  const jagClaims = (s: Awaited<typeof setup>, extra: JWTPayload = {}) => ({
    iss: s.idpIssuer,
    sub: "idp-alice",
    email: "alice@idp.attack.example",
    aud: cimd.base,
    client_id: s.jag.id,
    resource: `${cimd.base}/mcp`,
    scope: "account:read",
    ...extra,
  });
  const redeem = (s: Awaited<typeof setup>, assertion: string) => onCimd({ grant_type: JWT_BEARER, assertion }, { authorization: basic(s.jag.id, s.jag.secret) });
  const jagCase = (name: string, build: (s: Awaited<typeof setup>) => Promise<string> | string) =>
    attack(`ID-JAG ${name}`, "400 invalid_grant, no token", async () => {
      const s = await setup;
      expectOAuthError(await redeem(s, await build(s)), 400, "invalid_grant");
    });

  return {
    name: "Signed assertions",
    cases: [
      clientCase("with a forged signature (another key, same kid)", async (s) => sign(await signer("ES256", s.clientKey.kid), clientClaims(s.keyClient))),
      clientCase("with alg none", (s) => unsigned(clientClaims(s.keyClient), "none")),
      clientCase("signed HS256 (a shared secret)", (s) => unsigned(clientClaims(s.keyClient), "HS256")),
      clientCase("that has expired", (s) => sign(s.clientKey, clientClaims(s.keyClient, { iat: now() - 600, exp: now() - 300 }))),
      clientCase("expiring an hour ahead", (s) => sign(s.clientKey, clientClaims(s.keyClient, { exp: now() + 3600 }))),
      clientCase("issued in the future", (s) => sign(s.clientKey, clientClaims(s.keyClient, { iat: now() + 600 }))),
      clientCase("for another audience", (s) => sign(s.clientKey, clientClaims(s.keyClient, { aud: "https://other-as.example" }))),
      clientCase("whose iss is not its sub", (s) => sign(s.clientKey, clientClaims(s.keyClient, { iss: "pcl_someone_else" }))),
      clientCase("without exp", (s) => sign(s.clientKey, clientClaims(s.keyClient, { exp: undefined }))),
      clientCase("oversized (9 KiB)", (s) => sign(s.clientKey, clientClaims(s.keyClient, { padding: "x".repeat(9 * 1024) }))),
      attack("client assertion replayed (same jti twice)", "first 200, then 401 invalid_client", async () => {
        const s = await setup;
        const assertion = await sign(s.clientKey, clientClaims(s.keyClient));
        const first = await withAssertion(assertion);
        demand(first.status === 200, `the first use was refused: ${first}`);
        refusedClient(await withAssertion(assertion));
      }),
      attack("client assertion with a client_id that is not its sub", "401 invalid_client", async () => {
        const s = await setup;
        refusedClient(await withAssertion(await sign(s.clientKey, clientClaims(s.keyClient)), { client_id: fx.clients.service.id }));
      }),
      attack("client assertion of an unknown assertion type", "401 invalid_client", async () => {
        const s = await setup;
        refusedClient(await tokenRequest(fx, { grant_type: "client_credentials", client_assertion_type: "urn:example:saml2", client_assertion: await sign(s.clientKey, clientClaims(s.keyClient)) }));
      }),
      attack("client secret presented for a private_key_jwt client", "401 invalid_client", async () => {
        const s = await setup;
        refusedClient(await tokenRequest(fx, { grant_type: "client_credentials", client_id: s.keyClient, client_secret: "guess" }));
      }),
      attack("client assertion presented for a client_secret client", "401 invalid_client", async () => {
        const s = await setup;
        refusedClient(await withAssertion(await sign(s.clientKey, clientClaims(fx.clients.service.id))));
      }),
      attack("client assertion together with Basic credentials", "400 invalid_request", async () => {
        const s = await setup;
        expectOAuthError(await withAssertion(await sign(s.clientKey, clientClaims(s.keyClient)), {}, { authorization: basic(fx.clients.service.id, fx.clients.service.secret!) }), 400, "invalid_request");
      }),
      attack("jwks_uri at a private address (the key set is never fetched)", "401 invalid_client, no connection made", async () => {
        const s = await setup;
        const before = cimd.documents.connections();
        refusedClient(await withAssertion(await sign(s.clientKey, clientClaims(s.privateJwks))));
        demand(cimd.documents.connections() === before, "the server connected to the private address");
      }),
      attack("jwks_uri that redirects", "401 invalid_client (redirects are not followed)", async () => {
        const s = await setup;
        const reply = await onCimd({ grant_type: "client_credentials", client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await sign(s.clientKey, { iss: s.redirecting, sub: s.redirecting, aud: cimd.base }) });
        refusedClient(reply);
        demand(cimd.documents.requests("/redirected.json") === 0, "the redirect was followed");
      }),
      attack("jwks_uri that never answers", "401 invalid_client within the fetch deadline", async () => {
        const s = await setup;
        const started = Date.now();
        refusedClient(await onCimd({ grant_type: "client_credentials", client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await sign(s.clientKey, { iss: s.hanging, sub: s.hanging, aud: cimd.base }) }));
        demand(Date.now() - started < 10_000, `the refusal took ${Date.now() - started} ms`);
      }),
      attack("register private_key_jwt with private key material in jwks", "400 invalid_client_metadata", async () => {
        const { privateKey } = await generateKeyPair("ES256", { extractable: true });
        expectOAuthError(await fx.register({ client_name: "x", grant_types: ["client_credentials"], redirect_uris: [], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [await exportJWK(privateKey)] } }), 400, "invalid_client_metadata");
      }),
      attack("register private_key_jwt with a symmetric key", "400 invalid_client_metadata", async () => {
        expectOAuthError(await fx.register({ client_name: "x", grant_types: ["client_credentials"], redirect_uris: [], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }), 400, "invalid_client_metadata");
      }),
      attack("register private_key_jwt with an http jwks_uri", "400 invalid_client_metadata", async () => {
        expectOAuthError(await fx.register({ client_name: "x", grant_types: ["client_credentials"], redirect_uris: [], token_endpoint_auth_method: "private_key_jwt", jwks_uri: "http://keys.example/jwks" }), 400, "invalid_client_metadata");
      }),

      jagCase("with a forged signature (another key, same kid)", async (s) => sign(await signer("RS256", s.idpKey.kid), jagClaims(s), "oauth-id-jag+jwt")),
      jagCase("with alg none", (s) => unsigned(jagClaims(s), "none", "oauth-id-jag+jwt")),
      jagCase("signed HS256", (s) => unsigned(jagClaims(s), "HS256", "oauth-id-jag+jwt")),
      jagCase("that has expired", (s) => sign(s.idpKey, jagClaims(s, { iat: now() - 600, exp: now() - 300 }), "oauth-id-jag+jwt")),
      jagCase("issued in the future", (s) => sign(s.idpKey, jagClaims(s, { iat: now() + 600 }), "oauth-id-jag+jwt")),
      jagCase("for another authorization server", (s) => sign(s.idpKey, jagClaims(s, { aud: "https://other-as.example" }), "oauth-id-jag+jwt")),
      jagCase("for another client", (s) => sign(s.idpKey, jagClaims(s, { client_id: "pcl_someone_else" }), "oauth-id-jag+jwt")),
      jagCase("for another resource", (s) => sign(s.idpKey, jagClaims(s, { resource: "https://other.example/mcp" }), "oauth-id-jag+jwt")),
      jagCase("from an untrusted issuer", async (s) => sign(await signer("RS256"), jagClaims(s, { iss: "https://rogue-idp.example" }), "oauth-id-jag+jwt")),
      jagCase("without the oauth-id-jag+jwt typ", (s) => sign(s.idpKey, jagClaims(s))),
      jagCase("whose email is outside the allowed domains", (s) => sign(s.idpKey, jagClaims(s, { email: "mallory@evil.example" }), "oauth-id-jag+jwt")),
      jagCase("that is not a JWT", () => "not.a.jwt"),
      attack("ID-JAG replayed (same jti twice)", "first 200, then 400 invalid_grant", async () => {
        const s = await setup;
        const assertion = await sign(s.idpKey, jagClaims(s), "oauth-id-jag+jwt");
        const first = await redeem(s, assertion);
        demand(first.status === 200 && first.json()?.refresh_token === undefined, `the first use was refused or carried a refresh token: ${first}`);
        expectOAuthError(await redeem(s, assertion), 400, "invalid_grant");
      }),
      attack("ID-JAG oversized (9 KiB)", "400 invalid_request", async () => {
        const s = await setup;
        expectOAuthError(await redeem(s, await sign(s.idpKey, jagClaims(s, { padding: "x".repeat(9 * 1024) }), "oauth-id-jag+jwt")), 400, "invalid_request");
      }),
      attack("ID-JAG without client authentication", "401 invalid_client", async () => {
        const s = await setup;
        expectOAuthError(await onCimd({ grant_type: JWT_BEARER, assertion: await sign(s.idpKey, jagClaims(s), "oauth-id-jag+jwt"), client_id: s.jag.id }), 401, "invalid_client");
      }),
    ],
  };
}
