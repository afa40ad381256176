import type { AuditContext } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { authorizationResponseUrl } from "@/lib/oauth/authorize/authorization-response-url";
import { consentCovers } from "@/lib/oauth/authorize/consent-covers";
import { grantableScopes } from "@/lib/oauth/authorize/grantable-scopes";
import { issueAuthorizationCode } from "@/lib/oauth/authorize/issue-authorization-code";
import { renderNonRedirectOutcome } from "@/lib/oauth/authorize/render-non-redirect-outcome";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { validateAuthorizationRequest } from "@/lib/oauth/authorize/validate-authorization-request";
import { ENDPOINT_PATHS } from "@/lib/oauth/constants";
import { ConsentRequired, LoginRequired } from "@/lib/oauth/errors";
import { redirectResponse as redirect } from "@/lib/oauth/http/redirect-response";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

/**
 * GET /oauth/authorize (OAuth 2.1 §4.1.1): validate, then send the user to sign in, to the consent screen, or — when
 * they already consented to everything they can grant — straight back to the client with a code.
 */
export async function handleAuthorizationRequest(url: URL, user: SignedInUser | null, ctx: AuditContext): Promise<Response> {
  const outcome = await validateAuthorizationRequest(url.searchParams, ctx);
  if (outcome.kind === "show_error" || outcome.kind === "pending") return renderNonRedirectOutcome(outcome);
  if (outcome.kind === "redirect_error") {
    return redirect(authorizationResponseUrl(outcome.redirectUri, outcome.error.toJSON(), outcome.state));
  }
  const { request } = outcome;
  const consentPath = `${ENDPOINT_PATHS.consent}${url.search}`;
  if (!user) {
    if (request.prompt === "none") {
      return redirect(authorizationResponseUrl(request.redirectUri, new LoginRequired("The user is not signed in.").toJSON(), request.state));
    }
    // After sign-in the browser goes to the consent page, never back here: Next.js renders a sign-in redirect's target
    // on the server, and this endpoint's answer (a redirect carrying a code) must only ever reach the browser.
    return redirect(`/login?from=${encodeURIComponent(consentPath)}`);
  }

  const { grantable } = grantableScopes(await policySnapshot(), user.id, request.client.allowedScopes, request.requestedScopes);
  const consent = await db().consent.findUnique({ where: { userId_clientId: { userId: user.id, clientId: request.client.id } } });
  if (consentCovers(consent, request.redirectUri, grantable) && request.prompt !== "consent") {
    return redirect(await issueAuthorizationCode({ request, userId: user.id, scopes: grantable, remembered: true, ctx: { ...ctx, actor: `user:${user.id}` } }));
  }
  if (request.prompt === "none") {
    return redirect(authorizationResponseUrl(request.redirectUri, new ConsentRequired("The user has not consented to this request.").toJSON(), request.state));
  }
  // Relative, so the browser stays on whichever host name it used for this server.
  return redirect(consentPath);
}
