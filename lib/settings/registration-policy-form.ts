import { AppError } from "@/lib/errors";
import { registrationPolicySchema, type RegistrationPolicy } from "@/lib/settings/registration-policy";

/** The settings form's fields, as strings (checkboxes: present or not; scopes: every ticked value). */
export interface RegistrationPolicyForm {
  allowedHosts: string;
  deniedHosts: string;
  allowLoopback: boolean;
  trustedCimdDomains: string;
  trustedRedirectHosts: string;
  rateLimitMax: string;
  rateLimitWindowSeconds: string;
  maxPendingClients: string;
  /** Absent from an older form: the default applies. */
  maxPendingClientsPerAddress?: string;
  prunePendingWhenFull?: boolean;
  prunePendingOlderThanDays?: string;
  defaultScopes: string[];
}

const LABELS: Array<[RegExp, string]> = [
  [/^redirectUris\.allowedHosts/, "Allowed redirect hosts"],
  [/^redirectUris\.deniedHosts/, "Denied redirect hosts"],
  [/^autoApprove\.\d+\.domain/, "Trusted metadata-document domains"],
  [/^autoApprove\.\d+\.host/, "Trusted redirect hosts"],
  [/^autoApprove/, "Auto-approve rules"],
  [/^registrationRateLimit\.max/, "Registrations per address"],
  [/^registrationRateLimit\.windowSeconds/, "Rate-limit window"],
  [/^maxPendingClientsPerAddress/, "Pending clients per address"],
  [/^maxPendingClients/, "Pending-client cap"],
  [/^prunePendingWhenFull/, "Prune stale pending clients after (days)"],
  [/^defaultScopes/, "Default scopes"],
];

/** One entry per line (commas and spaces also separate), blanks dropped, duplicates once. */
export function listField(value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).map((v) => v.trim()).filter(Boolean))];
}

function wholeNumber(value: string, label: string): number {
  if (!/^\s*\d{1,9}\s*$/.test(value)) throw new AppError("invalid_input", `${label}: enter a whole number.`);
  return Number(value);
}

/**
 * The registration policy a settings form describes, validated, with each problem named by its field's label (not the
 * schema's path): "Denied redirect hosts: must be a host name (entry 2: bad_host!)".
 */
export function registrationPolicyFromForm(form: RegistrationPolicyForm): RegistrationPolicy {
  const allowedHosts = listField(form.allowedHosts);
  const deniedHosts = listField(form.deniedHosts);
  const domains = listField(form.trustedCimdDomains);
  const hosts = listField(form.trustedRedirectHosts);
  const input = {
    redirectUris: { allowedHosts, deniedHosts, allowLoopback: form.allowLoopback },
    autoApprove: [...domains.map((domain) => ({ kind: "cimd_domain", domain })), ...hosts.map((host) => ({ kind: "redirect_host", host }))],
    registrationRateLimit: {
      max: wholeNumber(form.rateLimitMax, "Registrations per address"),
      windowSeconds: wholeNumber(form.rateLimitWindowSeconds, "Rate-limit window"),
    },
    maxPendingClients: wholeNumber(form.maxPendingClients, "Pending-client cap"),
    ...(form.maxPendingClientsPerAddress !== undefined
      ? { maxPendingClientsPerAddress: wholeNumber(form.maxPendingClientsPerAddress, "Pending clients per address") }
      : {}),
    prunePendingWhenFull: {
      enabled: form.prunePendingWhenFull ?? false,
      ...(form.prunePendingOlderThanDays ? { olderThanDays: wholeNumber(form.prunePendingOlderThanDays, "Prune stale pending clients after (days)") } : {}),
    },
    defaultScopes: [...new Set(form.defaultScopes)],
  };
  const parsed = registrationPolicySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const entries: Record<string, string[]> = { allowedHosts, deniedHosts };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const label = LABELS.find(([pattern]) => pattern.test(path))?.[1] ?? path;
    const [, list, index] = /^redirectUris\.(allowedHosts|deniedHosts)\.(\d+)$/.exec(path) ?? [];
    const rule = /^autoApprove\.(\d+)\./.exec(path);
    const entry = list ? entries[list][Number(index)] : rule ? [...domains, ...hosts][Number(rule[1])] : undefined;
    return `${label}: ${issue.message}${entry !== undefined ? ` (${entry})` : ""}`;
  });
  throw new AppError("invalid_input", `${problems.join("; ")}.`);
}

/** The form's initial values for a policy (the inverse of registrationPolicyFromForm). */
export function registrationPolicyToForm(policy: RegistrationPolicy): RegistrationPolicyForm {
  return {
    allowedHosts: policy.redirectUris.allowedHosts.join("\n"),
    deniedHosts: policy.redirectUris.deniedHosts.join("\n"),
    allowLoopback: policy.redirectUris.allowLoopback,
    trustedCimdDomains: policy.autoApprove.flatMap((r) => (r.kind === "cimd_domain" ? [r.domain] : [])).join("\n"),
    trustedRedirectHosts: policy.autoApprove.flatMap((r) => (r.kind === "redirect_host" ? [r.host] : [])).join("\n"),
    rateLimitMax: String(policy.registrationRateLimit.max),
    rateLimitWindowSeconds: String(policy.registrationRateLimit.windowSeconds),
    maxPendingClients: String(policy.maxPendingClients),
    maxPendingClientsPerAddress: String(policy.maxPendingClientsPerAddress),
    prunePendingWhenFull: policy.prunePendingWhenFull.enabled,
    prunePendingOlderThanDays: String(policy.prunePendingWhenFull.olderThanDays),
    defaultScopes: policy.defaultScopes,
  };
}
