import { isIP } from "node:net";

export type RiskSeverity = "high" | "medium" | "low";

export interface RedirectUriRisk {
  code:
    | "custom_scheme"
    | "non_https"
    | "ip_literal"
    | "punycode_host"
    | "localhost_name"
    | "loopback_only"
    | "loopback_mixed_with_web_host"
    | "host_differs_from_client_uri"
    | "host_differs_from_metadata_url"
    | "many_hosts"
    | "unparseable"
    | "no_redirect_uris";
  severity: RiskSeverity;
  /** The redirect URI the flag is about, when it is about one. */
  uri?: string;
  message: string;
}

export interface RedirectUriEvidence {
  /** For a Client ID Metadata Document client, its URL; otherwise the registered id. */
  id: string;
  source: "dcr" | "cimd" | "manual" | "authkit";
  redirectUris: readonly string[];
  clientUri?: string | null;
  grantTypes?: readonly string[];
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);
/** More distinct hosts than this for one client is unusual: one app seldom answers on many sites. */
export const MANY_HOSTS = 3;

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

/**
 * The registrable part of a host, approximately (no public-suffix list offline): the last two labels, or three under a
 * two-letter country code with a short second level (example.co.uk, example.com.au).
 */
export function siteOf(host: string): string {
  if (isIP(host) !== 0) return host;
  const labels = host.split(".");
  const keep = labels.length >= 3 && labels.at(-1)!.length === 2 && labels.at(-2)!.length <= 3 ? 3 : 2;
  return labels.slice(-keep).join(".");
}

function sameSite(a: string, b: string): boolean {
  return siteOf(a) === siteOf(b);
}

function parse(uri: string): URL | null {
  return URL.canParse(uri) ? new URL(uri) : null;
}

/**
 * What a reviewer should look at twice in a client's redirect URIs, worst first. Registration already refuses what is
 * never acceptable (fragments, userinfo, http off loopback for new registrations); these flags are about what is
 * allowed but deserves a second look — and they also cover clients that arrived another way (AuthKit first sight,
 * manual, older policies). RFC 8252 §7.3/§8.3 (loopback, localhost), RFC 9700 §4.1 (redirect URI attacks), UTS #39
 * (confusable internationalised hosts).
 */
export function redirectUriRisks(client: RedirectUriEvidence): RedirectUriRisk[] {
  const risks: RedirectUriRisk[] = [];
  const uris = client.redirectUris;
  const usesRedirects = !client.grantTypes || client.grantTypes.some((g) => g === "authorization_code");
  if (uris.length === 0) {
    if (usesRedirects) risks.push({ code: "no_redirect_uris", severity: "low", message: "No redirect URI is registered." });
    return risks;
  }
  const clientUriHost = client.clientUri ? parse(client.clientUri) : null;
  const metadataHost = client.source === "cimd" ? parse(client.id) : null;
  const hosts = new Set<string>();
  let loopbackCount = 0;

  for (const uri of uris) {
    const url = parse(uri);
    if (!url) {
      risks.push({ code: "unparseable", severity: "high", uri, message: "Not a valid absolute URI." });
      continue;
    }
    const scheme = url.protocol.replace(/:$/, "");
    if (scheme !== "http" && scheme !== "https") {
      risks.push({
        code: "custom_scheme",
        severity: "high",
        uri,
        message: `Custom scheme ${scheme}: — any app on the device can claim it and receive the authorization code.`,
      });
      continue;
    }
    const host = bareHost(url);
    const loopback = LOOPBACK.has(url.hostname.toLowerCase());
    if (loopback) loopbackCount += 1;
    else hosts.add(host);
    if (scheme === "http" && !loopback) {
      risks.push({ code: "non_https", severity: "high", uri, message: "Plain http to a remote host: the code crosses the network in clear." });
    } else if (scheme === "http") {
      risks.push({ code: "non_https", severity: "low", uri, message: "Plain http, on the loopback interface only (a native app's local listener)." });
    }
    if (url.hostname.toLowerCase() === "localhost") {
      risks.push({
        code: "localhost_name",
        severity: "low",
        uri,
        message: "Uses the name localhost rather than 127.0.0.1 or [::1]; RFC 8252 §8.3 advises the IP literal (the name can resolve elsewhere).",
      });
    }
    if (!loopback && isIP(host) !== 0) {
      risks.push({ code: "ip_literal", severity: "high", uri, message: `An IP address (${host}) rather than a host name: no certificate names a site the user could recognise.` });
    }
    if (!loopback && host.split(".").some((label) => label.startsWith("xn--"))) {
      risks.push({
        code: "punycode_host",
        severity: "high",
        uri,
        message: `Internationalised host ${host}: it may look like a familiar name (homograph) while being another site.`,
      });
    }
    if (!loopback && clientUriHost && !sameSite(host, bareHost(clientUriHost))) {
      risks.push({
        code: "host_differs_from_client_uri",
        severity: "medium",
        uri,
        message: `Host ${host} is not the client's own site (client_uri ${bareHost(clientUriHost)}).`,
      });
    }
    if (!loopback && metadataHost && !sameSite(host, bareHost(metadataHost))) {
      risks.push({
        code: "host_differs_from_metadata_url",
        severity: "medium",
        uri,
        message: `Host ${host} differs from the host serving the client's metadata document (${bareHost(metadataHost)}).`,
      });
    }
  }
  if (hosts.size > MANY_HOSTS) {
    risks.push({ code: "many_hosts", severity: "medium", message: `Redirects to ${hosts.size} different hosts: ${[...hosts].sort().join(", ")}.` });
  }
  // A native app listens on loopback; a web app has its own host. One registration asking for both, with a web host
  // that is not its own site, can pass itself off as a local tool while the code goes to a site the user never saw.
  const ownSites = [clientUriHost, metadataHost].flatMap((u) => (u ? [siteOf(bareHost(u))] : []));
  const unrelated = [...hosts].filter((h) => !ownSites.includes(siteOf(h))).sort();
  if (loopbackCount > 0 && unrelated.length > 0) {
    risks.push({
      code: "loopback_mixed_with_web_host",
      severity: "high",
      message: `Mixes a loopback redirect (a local app's) with the web host ${unrelated.join(", ")}${ownSites.length ? ", which is not its own site" : ""}: it can present itself as a local tool while the authorization code goes to that site.`,
    });
  }
  if (loopbackCount === uris.length) {
    risks.push({
      code: "loopback_only",
      severity: "low",
      message: "Loopback redirects only: a native or command-line app. Any program on the user's machine could pose as it; its identity rests on its name alone.",
    });
  }
  const order: Record<RiskSeverity, number> = { high: 0, medium: 1, low: 2 };
  return risks.sort((a, b) => order[a.severity] - order[b.severity]);
}

/** The worst severity among the flags, or null when there is none. */
export function worstRisk(risks: readonly RedirectUriRisk[]): RiskSeverity | null {
  if (risks.some((r) => r.severity === "high")) return "high";
  if (risks.some((r) => r.severity === "medium")) return "medium";
  return risks.length > 0 ? "low" : null;
}
