import type { AuditContext } from "@/lib/audit";
import { env } from "@/lib/env";
import { authorizationResponseUrl } from "@/lib/oauth/authorize/authorization-response-url";
import { consentTokenValid } from "@/lib/oauth/authorize/consent-token";
import { denyAuthorization } from "@/lib/oauth/authorize/deny-authorization";
import { grantableScopes } from "@/lib/oauth/authorize/grantable-scopes";
import { issueAuthorizationCode } from "@/lib/oauth/authorize/issue-authorization-code";
import { renderAuthorizationPage } from "@/lib/oauth/authorize/render-authorization-page";
import { renderNonRedirectOutcome } from "@/lib/oauth/authorize/render-non-redirect-outcome";
import type { SignedInUser } from "@/lib/auth/signed-in-user";
import { validateAuthorizationRequest } from "@/lib/oauth/authorize/validate-authorization-request";
import { ENDPOINT_PATHS } from "@/lib/oauth/constants";
import { readLimited } from "@/lib/oauth/http/read-body";
import { redirectResponse } from "@/lib/oauth/http/redirect-response";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

/** Fields the consent form adds to the authorization request it carries. */
const CONSENT_FIELDS = new Set(["decision", "consent_token", "grant_scope"]);
const MAX_BODY = 32 * 1024;

function forbidden(description: string): Response {
  return renderAuthorizationPage({ status: 403, title: "This consent could not be accepted", paragraphs: [description, "Start again from the app."], error: "access_denied" });
}

/**
 * POST /oauth/authorize: the consent screen's answer. The authorization request is validated again from scratch (the
 * form's hidden fields are not trusted), the form must carry a token bound to this user and this request, and only
 * scopes the user may grant are granted, whatever the form says.
 */
export async function handleConsentDecision(request: Request, user: SignedInUser | null, ctx: AuditContext): Promise<Response> {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(env().issuer).origin) return forbidden("The form was sent from another site.");
  if ((request.headers.get("content-type") ?? "").split(";")[0].trim() !== "application/x-www-form-urlencoded") {
    return forbidden("The consent form was sent in an unexpected format.");
  }
  let text: string;
  try {
    text = await readLimited(request, MAX_BODY);
  } catch {
    return forbidden("The consent form is too large or malformed.");
  }
  const form = new URLSearchParams(text);

  const authorization = new URLSearchParams();
  for (const [key, value] of form) if (!CONSENT_FIELDS.has(key)) authorization.append(key, value);
  const outcome = await validateAuthorizationRequest(authorization, ctx);
  if (outcome.kind === "show_error" || outcome.kind === "pending") return renderNonRedirectOutcome(outcome);
  if (outcome.kind === "redirect_error") {
    return redirectResponse(authorizationResponseUrl(outcome.redirectUri, outcome.error.toJSON(), outcome.state), 303);
  }
  const valid = outcome.request;
  if (!user) return redirectResponse(`/login?from=${encodeURIComponent(`${ENDPOINT_PATHS.consent}?${authorization}`)}`, 303);
  if (form.getAll("consent_token").length !== 1 || !consentTokenValid(form.get("consent_token") ?? undefined, user.id, valid.params)) {
    return forbidden("The consent form does not belong to this sign-in or this request.");
  }
  const userCtx: AuditContext = { ...ctx, actor: `user:${user.id}` };
  const decision = form.getAll("decision");
  if (decision.length !== 1 || !["allow", "deny"].includes(decision[0])) return forbidden("The consent form has no decision.");
  if (decision[0] === "deny") {
    return redirectResponse(await denyAuthorization(valid, user.id, "the user denied the request", userCtx), 303);
  }
  const { grantable } = grantableScopes(await policySnapshot(), user.id, valid.client.allowedScopes, valid.requestedScopes);
  const chosen = new Set(form.getAll("grant_scope"));
  const scopes = grantable.filter((s) => chosen.has(s));
  if (scopes.length === 0) {
    return redirectResponse(await denyAuthorization(valid, user.id, "no permission was granted", userCtx), 303);
  }
  return redirectResponse(await issueAuthorizationCode({ request: valid, userId: user.id, scopes, remembered: false, ctx: userCtx }), 303);
}
