import type { AuditContext } from "@/lib/audit";
import { ClientMetadataDocumentError } from "@/lib/clients/fetch-client-metadata-document";
import { findClient, type Client } from "@/lib/clients/find-client";
import type { TokenEndpointAuthMethod } from "@/lib/oauth/constants";
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

/** The reason a known or unknown client fails to authenticate, or null when it succeeds. */
function whyRefused(client: Client | null, presented: Presented, options: { confidentialOnly?: boolean }): string | null {
  // Hash and compare whatever the outcome, so the answer's timing says no more than its body.
  const secretMatches = credentialMatches(presented.secret ?? "", client?.secretHash ?? NO_CLIENT_HASH);
  if (!client) return "unknown client";
  if (client.tokenEndpointAuthMethod !== presented.method) {
    return `wrong authentication method: registered ${client.tokenEndpointAuthMethod}, presented ${presented.method}`;
  }
  if (presented.method !== "none" && !secretMatches) return "wrong client secret";
  if (options.confidentialOnly && presented.method === "none") return "public client at an endpoint for confidential clients";
  return null;
}

/**
 * Authenticates the client at the token, device authorization, revocation and introspection endpoints: `none` for
 * public clients (identified by client_id; PKCE or the device code proves the rest), `client_secret_basic` or
 * `client_secret_post` for confidential ones — the method the client registered, the secret compared in constant
 * time against its stored hash. With `requireActive`, a pending, rejected or suspended client is refused; with
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
  const reason = whyRefused(client, presented, options);
  if (reason) throw await refuseClientAuthentication(reason, { clientId: presented.clientId, basic, known: client !== null }, ctx);
  if ((options.requireActive ?? true) && client!.status !== "active") {
    throw new UnauthorizedClient(
      client!.status === "pending" ? "This client is waiting for an administrator's approval." : `This client has been ${client!.status} by an administrator.`,
    );
  }
  noteUsage(client!.id, null);
  return { client: client!, method: presented.method };
}
