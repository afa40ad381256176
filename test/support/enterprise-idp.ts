import { randomUUID } from "node:crypto";
import { jwtVerify, createLocalJWKSet, SignJWT, type JWTPayload } from "jose";
import { json, type HttpsStandin } from "@/test/support/https-standin";
import { testKeyPair, type TestKeyPair } from "@/test/support/signed-assertions";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
const ID_JAG_TYPE = "urn:ietf:params:oauth:token-type:id-jag";

export interface EnterpriseIdp {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  /** The IdP's own client (the MCP client as the IdP knows it) and the id it has at the MCP authorization server. */
  client: { id: string; secret: string };
  key: TestKeyPair;
  /** Signs the user in: an OpenID Connect ID token for the IdP's client. */
  idToken(user: { sub: string; email: string }): Promise<string>;
  /** Signs an ID-JAG directly, with whatever claims and header a test wants (forged and malformed ones included). */
  signIdJag(claims: JWTPayload, options?: { key?: TestKeyPair; typ?: string }): Promise<string>;
  /** Which MCP client id the IdP names in ID-JAGs it issues to its client. */
  mcpClientId: string;
  /** The IdP's policy: the scopes it lets its users take to MCP servers (undefined: whatever was asked). */
  allowedScopes?: string[];
  exchanges: Array<Record<string, string>>;
}

/**
 * A stand-in enterprise identity provider on an HTTPS stand-in: OAuth metadata, its JWKS, and a token endpoint that
 * performs RFC 8693 token exchange of an ID token for an ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant §4.3),
 * signed with `jose` — what Okta or Entra would do for enterprise-managed authorization.
 */
export async function startEnterpriseIdp(standin: HttpsStandin, path = "/idp"): Promise<EnterpriseIdp> {
  const key = await testKeyPair("RS256");
  const issuer = `${standin.origin}${path}`;
  const client = { id: "idp-client-for-mcp", secret: randomUUID() };
  const idp: EnterpriseIdp = {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    client,
    key,
    mcpClientId: "",
    exchanges: [],
    async idToken(user) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ email: user.email })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
        .setIssuer(issuer)
        .setSubject(user.sub)
        .setAudience(client.id)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key.privateKey);
    },
    async signIdJag(claims, options = {}) {
      const signer = options.key ?? key;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, exp: now + 300, jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: options.typ ?? "oauth-id-jag+jwt" })
        .sign(signer.privateKey);
    },
  };
  standin.route(`${path}/jwks`, (_req, _body, res) => json(res, 200, { keys: [key.publicJwk] }));
  standin.route(`/.well-known/oauth-authorization-server${path}`, (_req, _body, res) =>
    json(res, 200, { issuer, token_endpoint: idp.tokenEndpoint, jwks_uri: idp.jwksUri, grant_types_supported: [TOKEN_EXCHANGE] }),
  );
  standin.route(`${path}/token`, async (_req, body, res) => {
    const form = Object.fromEntries(new URLSearchParams(body));
    idp.exchanges.push(form);
    if (form.grant_type !== TOKEN_EXCHANGE) return json(res, 400, { error: "unsupported_grant_type" });
    if (form.client_id !== client.id || form.client_secret !== client.secret) return json(res, 401, { error: "invalid_client" });
    if (form.requested_token_type !== ID_JAG_TYPE || form.subject_token_type !== ID_TOKEN_TYPE) return json(res, 400, { error: "invalid_request" });
    let user: JWTPayload;
    try {
      user = (await jwtVerify(form.subject_token, createLocalJWKSet({ keys: [key.publicJwk] }), { issuer, audience: client.id })).payload;
    } catch {
      return json(res, 400, { error: "invalid_grant" });
    }
    const asked = (form.scope ?? "").split(" ").filter(Boolean);
    const scope = (idp.allowedScopes ? asked.filter((s) => idp.allowedScopes!.includes(s)) : asked).join(" ");
    const jag = await idp.signIdJag({
      sub: user.sub,
      email: user.email,
      aud: form.audience,
      ...(form.resource ? { resource: form.resource } : {}),
      client_id: idp.mcpClientId,
      ...(scope ? { scope } : {}),
    });
    json(res, 200, { issued_token_type: ID_JAG_TYPE, access_token: jag, token_type: "N_A", expires_in: 300, ...(scope ? { scope } : {}) }, { "Cache-Control": "no-store" });
  });
  return idp;
}
