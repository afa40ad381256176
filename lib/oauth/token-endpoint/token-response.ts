import type { IssuedTokens } from "@/lib/issuance/record-tokens";
import { noStoreJson } from "@/lib/oauth/errors";

/** RFC 6749 §5.1 successful token response (no-store). */
export function tokenResponse(issued: IssuedTokens): Response {
  return noStoreJson(tokenResponseBody(issued));
}

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export function tokenResponseBody(issued: IssuedTokens) {
  return {
    access_token: issued.accessToken,
    token_type: "Bearer",
    expires_in: issued.expiresIn,
    scope: issued.scopes.join(" "),
    ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
  };
}
