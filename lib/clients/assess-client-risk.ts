import { redirectUriRisks, worstRisk, type RedirectUriEvidence, type RedirectUriRisk, type RiskSeverity } from "@/lib/clients/redirect-uri-risks";

export type RiskFlagCode = RedirectUriRisk["code"] | "write_scopes_requested" | "look_alikes";

export interface RiskFlag {
  code: RiskFlagCode;
  severity: RiskSeverity;
  uri?: string;
  message: string;
}

export interface ClientRiskAssessment {
  /** The one rating shown for this client everywhere (queue, client page, dashboard): its worst flag. */
  rating: RiskSeverity | null;
  flags: RiskFlag[];
  /** One line a reviewer reads first, e.g. "High risk: loopback redirect mixed with web host evil.example; 1 look-alike". */
  summary: string;
}

export interface ClientRiskInput extends RedirectUriEvidence {
  requestedScopes: readonly string[];
  /** Names of other registrations that look like this one (same or confusable name, same host, same software id). */
  lookAlikes: readonly string[];
}

// A scope whose action part changes something. Scopes are data (custom ones appear at runtime), so this reads the name.
const WRITE_ACTION = /^(write|admin|manage|revoke|delete|create|update)$|write/;

/** Whether a scope lets its holder change things (`clients:write`, `tokens:revoke`), judged from its name. */
export function isWriteScope(scope: string): boolean {
  const action = scope.includes(":") ? scope.slice(scope.lastIndexOf(":") + 1) : scope;
  return WRITE_ACTION.test(action.toLowerCase());
}

const SHORT: Partial<Record<RiskFlagCode, string>> = {
  custom_scheme: "custom-scheme redirect",
  ip_literal: "redirect to an IP address",
  punycode_host: "internationalised (possibly look-alike) redirect host",
  localhost_name: "redirect uses the name localhost",
  loopback_only: "loopback redirects only (a local app)",
  host_differs_from_client_uri: "redirect host outside its own website",
  host_differs_from_metadata_url: "redirect host differs from its metadata document's host",
  many_hosts: "redirects to many hosts",
  unparseable: "unparseable redirect URI",
  no_redirect_uris: "no redirect URI",
};

function shortText(flag: RiskFlag, input: ClientRiskInput): string {
  switch (flag.code) {
    case "non_https":
      return flag.severity === "high" ? "plain http to a remote host" : "plain http on loopback";
    case "loopback_mixed_with_web_host":
      return `loopback redirect mixed with web host ${flag.message.match(/web host (.+?)(,|:)/)?.[1] ?? ""}`.trim();
    case "write_scopes_requested":
      return `asks for write scopes (${input.requestedScopes.filter(isWriteScope).join(", ")})`;
    case "look_alikes":
      return `${input.lookAlikes.length} look-alike registration${input.lookAlikes.length === 1 ? "" : "s"}`;
    default:
      return SHORT[flag.code] ?? flag.code;
  }
}

export const RISK_LABEL: Record<RiskSeverity, string> = { high: "High risk", medium: "Medium risk", low: "Low risk" };

/**
 * Everything that makes a client worth a second look, rated once: its redirect URIs' flags, write scopes it asks for,
 * and other registrations that look like it. The queue, the client page and the dashboard all show this rating, so a
 * client never reads "note" in one place and "low" in another.
 */
export function assessClientRisk(input: ClientRiskInput): ClientRiskAssessment {
  const flags: RiskFlag[] = [...redirectUriRisks(input)];
  const writes = input.requestedScopes.filter(isWriteScope);
  if (writes.length > 0) {
    flags.push({
      code: "write_scopes_requested",
      severity: "medium",
      message: `Asks for scopes that change things: ${writes.join(", ")}. Approving with them lets its users act, not only read, through it.`,
    });
  }
  if (input.lookAlikes.length > 0) {
    const names = [...new Set(input.lookAlikes)];
    flags.push({
      code: "look_alikes",
      severity: "medium",
      message: `${input.lookAlikes.length} other registration${input.lookAlikes.length === 1 ? " looks" : "s look"} like this one (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", …" : ""}): compare them before approving.`,
    });
  }
  const order: Record<RiskSeverity, number> = { high: 0, medium: 1, low: 2 };
  flags.sort((a, b) => order[a.severity] - order[b.severity]);
  const rating = worstRisk(flags as RedirectUriRisk[]);
  const parts = [...new Set(flags.map((f) => shortText(f, input)))];
  const summary = rating ? `${RISK_LABEL[rating]}: ${parts.join("; ")}.` : "No risk flags: https redirects on its own site, read scopes only, no look-alike.";
  return { rating, flags, summary };
}
