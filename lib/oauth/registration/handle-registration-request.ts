import { registerClient } from "@/lib/clients/register-client";
import { clientIp, requestId } from "@/lib/http/client-address";
import { noStoreJson } from "@/lib/oauth/errors";
import { readJsonObjectBody } from "@/lib/oauth/http/read-body";

/** RFC 7591 §3.1–3.2: a JSON registration request in, a 201 with the client information out. */
export async function handleRegistrationRequest(request: Request): Promise<Response> {
  const body = await readJsonObjectBody(request);
  const client = await registerClient(body, { actor: "anonymous", ip: clientIp(request.headers), requestId: requestId(request.headers) });
  // RFC 7591 §3.2.1: the registered metadata, with client_id, and the secret (shown this once) for confidential clients.
  return noStoreJson(
    {
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret, client_secret_expires_at: 0 } : {}),
      client_id_issued_at: Math.floor(client.issuedAt.getTime() / 1000),
      ...client.metadata,
      client_name: client.name,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: client.responseTypes,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      // RFC 7591 §2: the server may narrow what was asked for; this is what the client may receive.
      scope: client.allowedScopes.join(" "),
    },
    201,
  );
}
