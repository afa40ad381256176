import type { AuditContext } from "@/lib/audit";
import { ClientMetadataDocumentError } from "@/lib/clients/fetch-client-metadata-document";
import { findClient, type Client } from "@/lib/clients/find-client";
import { decodeJwt } from "jose";
import { AssertionRejected } from "@/lib/assertions/assertion-rejected";
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, MAX_ASSERTION_BYTES } from "@/lib/assertions/assertion-rules";
import { verifySignedAssertion, type KeySource } from "@/lib/assertions/verify-signed-assertion";
import { env } from "@/lib/env";
import { ENDPOINT_PATHS, type TokenEndpointAuthMethod } from "@/lib/oauth/constants";
import { refuseClientAuthentication } from "@/lib/oauth/client-authentication/refuse-client-authentication";
import { InvalidRequest, UnauthorizedClient } from "@/lib/oauth/errors";
import { credentialMatches, hashCredential } from "@/lib/oauth/secrets";
import { noteUsage } from "@/lib/usage/note-usage";

export interface AuthenticatedClient {
  client: Client;
  method: TokenEndpointAuthMethod;
}

interface Presented {
  clientId: string;
  secret?: string;
  /** RFC 7523 §2.2: the signed JWT a private_key_jwt client authenticates with. */
  assertion?: string;
  method: TokenEndpointAuthMethod;
}

/** Why the presented credentials cannot even be read; thrown inside this file only, refused in one place below. */
class Unreadable extends Error {
  constructor(
    readonly reason: string,
    readonly basic = false,
  ) {
    super(reason);
  }
}

// Compared against when there is no stored hash, so an unknown client costs the same work as a wrong secret.
const NO_CLIENT_HASH = hashCredential("no client has this secret");

// RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}

/** Which client authentication the request uses (RFC 6749 §2.3), refusing more than one. */
function presentedCredentials(request: Pick<Request, "headers">, form: Record<string, string>): Presented {
  const header = request.headers.get("authorization");
  if (form.client_assertion !== undefined || form.client_assertion_type !== undefined) {
    if ((header && /^basic /i.test(header)) || form.client_secret !== undefined) {
      throw new InvalidRequest("Use one client authentication method, not a client assertion and a secret.");
    }
    return presentedAssertion(form);
  }
  if (header && /^basic /i.test(header)) {
    if (form.client_secret !== undefined) throw new InvalidRequest("Use one client authentication method, not both Basic and client_secret.");
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 1) throw new Unreadable("malformed Basic credentials", true);
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new Unreadable("malformed Basic credentials", true);
    }
    if (form.client_id !== undefined && form.client_id !== clientId) throw new Unreadable("client_id differs from the Basic credentials", true);
    return { clientId, secret, method: "client_secret_basic" };
  }
  if (form.client_secret !== undefined) {
    if (!form.client_id) throw new Unreadable("client_secret sent without client_id");
    return { clientId: form.client_id, secret: form.client_secret, method: "client_secret_post" };
  }
  if (form.client_id) return { clientId: form.client_id, method: "none" };
  throw new Unreadable("no client credentials");
}

/**
 * RFC 7523 §2.2 / §3: a client assertion names its client in `iss` and `sub`; `client_id` may be omitted (the MCP
 * oauth-client-credentials extension omits it) and, when sent, must agree. The claims are read unverified here only to
 * find the client whose keys then verify them.
 */
function presentedAssertion(form: Record<string, string>): Presented {
  if (form.client_assertion_type !== JWT_BEARER_CLIENT_ASSERTION_TYPE) throw new Unreadable(`unsupported client_assertion_type ${String(form.client_assertion_type).slice(0, 100)}`);
  const assertion = form.client_assertion;
  if (!assertion) throw new Unreadable("client_assertion_type sent without client_assertion");
  if (assertion.length > MAX_ASSERTION_BYTES) throw new Unreadable(`client_assertion is longer than ${MAX_ASSERTION_BYTES} bytes`);
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw new Unreadable("client_assertion is not a JWT");
  }
  const clientId = typeof claims.sub === "string" && claims.sub ? claims.sub : undefined;
  if (!clientId) throw new Unreadable("client_assertion has no sub");
  if (form.client_id !== undefined && form.client_id !== clientId) throw new Unreadable("client_id differs from the client assertion's sub");
  return { clientId, assertion, method: "private_key_jwt" };
}

/** Where a private_key_jwt client's keys are: its registered `jwks` or `jwks_uri` (kept with its metadata). */
function registeredKeys(client: Client): KeySource | null {
  const metadata = (client.metadata ?? {}) as { jwks?: unknown; jwks_uri?: unknown };
  if (typeof metadata.jwks_uri === "string") return { jwksUri: metadata.jwks_uri };
  if (metadata.jwks !== undefined) return { jwks: metadata.jwks };
  return null;
}

/** RFC 7523 §3 item 3: the audience is this authorization server — its issuer identifier or its token endpoint. */
function assertionAudiences(): string[] {
  const { issuer } = env();
  return [issuer, `${issuer}/`, `${issuer}${ENDPOINT_PATHS.token}`];
}

async function assertionRefused(client: Client, assertion: string): Promise<string | null> {
  const keys = registeredKeys(client);
  if (!keys) return "private_key_jwt client has no registered keys";
  try {
    await verifySignedAssertion(assertion, {
      keys,
      issuer: client.id,
      subject: client.id,
      audiences: assertionAudiences(),
      requireIat: false,
      replayScope: "client_assertion",
    });
    return null;
  } catch (error) {
    if (error instanceof AssertionRejected) return `client assertion refused: ${error.reason}`;
    throw error;
  }
}

/** The reason a known or unknown client fails to authenticate, or null when it succeeds. */
async function whyRefused(client: Client | null, presented: Presented, options: { confidentialOnly?: boolean }): Promise<string | null> {
  // Hash and compare whatever the outcome, so the answer's timing says no more than its body.
  const secretMatches = credentialMatches(presented.secret ?? "", client?.secretHash ?? NO_CLIENT_HASH);
  if (!client) return "unknown client";
  // One method per client (RFC 7591 §2): a private_key_jwt client cannot fall back to a secret, nor the reverse.
  if (client.tokenEndpointAuthMethod !== presented.method) {
    return `wrong authentication method: registered ${client.tokenEndpointAuthMethod}, presented ${presented.method}`;
  }
  if (presented.method === "private_key_jwt") return assertionRefused(client, presented.assertion!);
  if (presented.method !== "none" && !secretMatches) return "wrong client secret";
  if (options.confidentialOnly && presented.method === "none") return "public client at an endpoint for confidential clients";
  return null;
}

/**
 * Authenticates the client at the token, device authorization, revocation and introspection endpoints: `none` for
 * public clients (identified by client_id; PKCE or the device code proves the rest), `client_secret_basic` or
 * `client_secret_post` for confidential ones — the method the client registered, the secret compared in constant
 * time against its stored hash — or `private_key_jwt`, a single-use assertion signed with a key the client registered. With `requireActive`, a pending, rejected or suspended client is refused; with
 * `confidentialOnly`, a public one is.
 *
 * Every failure is the same `invalid_client` answer (RFC 6749 §5.2), so the endpoint cannot be used to learn which
 * client ids exist or how they authenticate; the reason goes to the log and the audit trail.
 */
export async function authenticateClient(
  request: Pick<Request, "headers">,
  form: Record<string, string>,
  ctx: AuditContext,
  options: { requireActive?: boolean; confidentialOnly?: boolean } = {},
): Promise<AuthenticatedClient> {
  let presented: Presented;
  try {
    presented = presentedCredentials(request, form);
  } catch (error) {
    if (error instanceof Unreadable) throw await refuseClientAuthentication(error.reason, { clientId: form.client_id ?? null, basic: error.basic }, ctx);
    throw error;
  }
  const basic = presented.method === "client_secret_basic";
  let client: Client | null;
  try {
    client = await findClient(presented.clientId, ctx);
  } catch (error) {
    if (error instanceof ClientMetadataDocumentError) {
      throw await refuseClientAuthentication(`metadata document cannot be used: ${error.message}`, { clientId: presented.clientId, basic }, ctx);
    }
    throw error;
  }
  const reason = await whyRefused(client, presented, options);
  if (reason) throw await refuseClientAuthentication(reason, { clientId: presented.clientId, basic, known: client !== null }, ctx);
  if ((options.requireActive ?? true) && client!.status !== "active") {
    throw new UnauthorizedClient(
      client!.status === "pending" ? "This client is waiting for an administrator's approval." : `This client has been ${client!.status} by an administrator.`,
    );
  }
  noteUsage(client!.id, null);
  return { client: client!, method: presented.method };
}
