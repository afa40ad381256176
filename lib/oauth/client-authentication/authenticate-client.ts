import type { AuditContext } from "@/lib/audit";
import { ClientMetadataDocumentError } from "@/lib/clients/fetch-client-metadata-document";
import { findClient, type Client } from "@/lib/clients/find-client";
import type { TokenEndpointAuthMethod } from "@/lib/oauth/constants";
import { InvalidClient, InvalidRequest, UnauthorizedClient } from "@/lib/oauth/errors";
import { credentialMatches } from "@/lib/oauth/secrets";
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

// RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}

/** Which client authentication the request uses (RFC 6749 §2.3), refusing more than one. */
function presentedCredentials(request: Pick<Request, "headers">, form: Record<string, string>): Presented {
  const header = request.headers.get("authorization");
  if (header && /^basic /i.test(header)) {
    if (form.client_secret !== undefined) throw new InvalidRequest("Use one client authentication method, not both Basic and client_secret.");
    let decoded: string;
    try {
      decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    } catch {
      throw new InvalidClient("The Basic credentials are malformed.", { basic: true });
    }
    const colon = decoded.indexOf(":");
    if (colon < 1) throw new InvalidClient("The Basic credentials are malformed.", { basic: true });
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new InvalidClient("The Basic credentials are malformed.", { basic: true });
    }
    if (form.client_id !== undefined && form.client_id !== clientId) {
      throw new InvalidClient("client_id differs from the Basic credentials.", { basic: true });
    }
    return { clientId, secret, method: "client_secret_basic" };
  }
  if (form.client_secret !== undefined) {
    if (!form.client_id) throw new InvalidClient("client_secret was sent without client_id.");
    return { clientId: form.client_id, secret: form.client_secret, method: "client_secret_post" };
  }
  if (form.client_id) return { clientId: form.client_id, method: "none" };
  throw new InvalidClient("Client authentication is required (client_id, with a secret for confidential clients).");
}

/**
 * Authenticates the client at the token, device authorization, revocation and introspection endpoints: `none` for
 * public clients (identified by client_id; PKCE or the device code proves the rest), `client_secret_basic` or
 * `client_secret_post` for confidential ones — the method the client registered, the secret compared in constant
 * time against its stored hash. With `requireActive`, a pending, rejected or suspended client is refused.
 */
export async function authenticateClient(
  request: Pick<Request, "headers">,
  form: Record<string, string>,
  ctx: AuditContext,
  options: { requireActive?: boolean } = {},
): Promise<AuthenticatedClient> {
  const presented = presentedCredentials(request, form);
  const basic = presented.method === "client_secret_basic";
  let client: Client | null;
  try {
    client = await findClient(presented.clientId, ctx);
  } catch (error) {
    if (error instanceof ClientMetadataDocumentError) throw new InvalidClient(`The client's metadata document cannot be used: ${error.message}.`);
    throw error;
  }
  if (!client) throw new InvalidClient("Unknown client.", { basic });
  if (client.tokenEndpointAuthMethod !== presented.method) {
    throw new InvalidClient(`This client authenticates with ${client.tokenEndpointAuthMethod}, not ${presented.method}.`, { basic });
  }
  if (presented.method !== "none" && !credentialMatches(presented.secret ?? "", client.secretHash)) {
    throw new InvalidClient("Client authentication failed.", { basic });
  }
  if ((options.requireActive ?? true) && client.status !== "active") {
    throw new UnauthorizedClient(
      client.status === "pending" ? "This client is waiting for an administrator's approval." : `This client has been ${client.status} by an administrator.`,
    );
  }
  noteUsage(client.id, null);
  return { client, method: presented.method };
}
