import type { AuditContext } from "@/lib/audit";
import { authenticateClient } from "@/lib/oauth/client-authentication/authenticate-client";
import { SUPPORTED_GRANT_TYPES } from "@/lib/oauth/constants";
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from "@/lib/oauth/errors";
import { exchangeAuthorizationCode } from "@/lib/oauth/grant-types/authorization-code";
import { issueClientCredentialsToken } from "@/lib/oauth/grant-types/client-credentials";
import { exchangeDeviceCode } from "@/lib/oauth/grant-types/device-code";
import { exchangeIdJag } from "@/lib/oauth/grant-types/jwt-bearer";
import { exchangeRefreshToken } from "@/lib/oauth/grant-types/refresh-token";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { tokenRequestSchema } from "@/lib/oauth/token-endpoint/token-request-schema";

const GRANTS = {
  authorization_code: exchangeAuthorizationCode,
  refresh_token: exchangeRefreshToken,
  client_credentials: issueClientCredentialsToken,
  "urn:ietf:params:oauth:grant-type:device_code": exchangeDeviceCode,
  "urn:ietf:params:oauth:grant-type:jwt-bearer": exchangeIdJag,
} as const;

/**
 * The token request once its form is read: parse it (one shape per grant_type), authenticate the client, check it may
 * use the grant, and hand over to the grant's file.
 */
export async function issueTokens(
  request: { headers: Headers; ip: string | null; requestId: string | null },
  form: Record<string, string>,
): Promise<IssuedTokens> {
  if (!form.grant_type) throw new InvalidRequest("The grant_type parameter is required.");
  if (!SUPPORTED_GRANT_TYPES.includes(form.grant_type)) throw new UnsupportedGrantType(`grant_type ${form.grant_type} is not supported.`);
  const parsed = tokenRequestSchema.safeParse(form);
  if (!parsed.success) throw new InvalidRequest(parsed.error.issues[0].message);
  const ctx: AuditContext = { actor: "anonymous", ip: request.ip, requestId: request.requestId };
  const { client } = await authenticateClient(request, form, ctx);
  if (!client.grantTypes.includes(parsed.data.grant_type)) {
    throw new UnauthorizedClient(`This client did not register the ${parsed.data.grant_type} grant.`);
  }
  const grant = GRANTS[parsed.data.grant_type] as (p: typeof parsed.data, c: typeof client, x: AuditContext) => ReturnType<typeof exchangeAuthorizationCode>;
  return grant(parsed.data, client, { ...ctx, actor: `client:${client.id}` });
}
