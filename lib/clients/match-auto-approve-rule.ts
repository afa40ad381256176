import type { AutoApproveRule } from "@/lib/settings/registration-policy";

export interface AutoApproveCandidate {
  source: "dcr" | "cimd";
  /** For a metadata-document client, its URL. */
  id: string;
  redirectUris: readonly string[];
}

function onDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The first auto-approve rule of the registration policy that the new client matches, or null (it stays pending). */
export function matchAutoApproveRule(client: AutoApproveCandidate, rules: readonly AutoApproveRule[]): AutoApproveRule | null {
  for (const rule of rules) {
    if (rule.kind === "cimd_domain" && client.source === "cimd" && onDomain(new URL(client.id).hostname, rule.domain)) return rule;
    if (
      rule.kind === "redirect_host" &&
      client.redirectUris.length > 0 &&
      client.redirectUris.every((uri) => new URL(uri).hostname === rule.host)
    ) {
      return rule;
    }
  }
  return null;
}

export function describeRule(rule: AutoApproveRule): string {
  return rule.kind === "cimd_domain" ? `trusted metadata-document domain ${rule.domain}` : `redirect host ${rule.host}`;
}
