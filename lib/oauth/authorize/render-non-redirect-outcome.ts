import { env } from "@/lib/env";
import { clientHref } from "@/lib/clients/client-path";
import { renderAuthorizationPage } from "@/lib/oauth/authorize/render-authorization-page";
import type { AuthorizationOutcome } from "@/lib/oauth/authorize/validate-authorization-request";

/** Outcomes that end at this server: a page for the user, never a redirect to an unverified client. */
export function renderNonRedirectOutcome(outcome: Extract<AuthorizationOutcome, { kind: "show_error" | "pending" }>): Response {
  if (outcome.kind === "pending") {
    const { client } = outcome;
    return renderAuthorizationPage({
      status: 403,
      title: "This app is waiting for approval",
      paragraphs: [
        `${client.name} is registered with Portcullis but an administrator has not approved it yet, so it cannot be given access.`,
        "Ask your Portcullis administrator to review it — send them the app's name and the client ID below; they approve it in the console under Clients → Review queue. Then try connecting again.",
        `Client ID: ${client.id}`,
      ],
      error: "unauthorized_client",
      link: { href: new URL(clientHref(client.id), env().issuer).toString(), text: "Open this app's review page (for administrators)" },
    });
  }
  return renderAuthorizationPage({
    status: outcome.status,
    title: outcome.clientName ? `${outcome.clientName} cannot be authorized` : "This authorization request cannot be completed",
    paragraphs: [outcome.description, "Nothing was sent back to the application. Close this page and check how the app is configured."],
    error: outcome.error,
  });
}
