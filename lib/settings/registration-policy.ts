import { z } from "zod";
import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";

export const REGISTRATION_POLICY_KEY = "registration_policy";

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a host name");

/**
 * Auto-approve rules: a new client matching one is `active` at once instead of `pending`.
 * - `cimd_domain`: a Client ID Metadata Document client whose URL host is the domain or one of its subdomains. Safe
 *   because whoever controls the document's host controls the client's identity.
 * - `redirect_host`: a client every one of whose redirect URIs is on exactly this host, so codes can only ever reach
 *   that host (e.g. an internal web app).
 */
export const autoApproveRule = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cimd_domain"), domain: hostname }),
  z.object({ kind: z.literal("redirect_host"), host: hostname }),
]);

export type AutoApproveRule = z.infer<typeof autoApproveRule>;

/**
 * The scopes a newly registered client may ever receive until an admin says otherwise: what the seeded `developer` role
 * holds (its own account and grants) plus every read scope. Write scopes (approving clients, revoking tokens, changing
 * policy) are never given to a client without an admin choosing them at approval (`clients approve --scope`).
 */
export const DEFAULT_CLIENT_SCOPES = [
  "account:read",
  "grants:own",
  "clients:read",
  "policy:read",
  "users:read",
  "tokens:read",
  "audit:read",
  "settings:read",
];

export const registrationPolicySchema = z.object({
  redirectUris: z
    .object({
      /** When not empty, https redirect URIs must be on one of these hosts. Loopback URIs are governed by allowLoopback. */
      allowedHosts: z.array(hostname).max(200).default([]),
      deniedHosts: z.array(hostname).max(200).default([]),
      /** RFC 8252 §7.3 loopback redirects (http://127.0.0.1, http://[::1], http://localhost) for native clients. */
      allowLoopback: z.boolean().default(true),
    })
    .default({ allowedHosts: [], deniedHosts: [], allowLoopback: true }),
  autoApprove: z.array(autoApproveRule).max(100).default([]),
  /** Dynamic registrations allowed per IP address per window. */
  registrationRateLimit: z
    .object({ max: z.number().int().min(1).max(10_000).default(20), windowSeconds: z.number().int().min(1).max(86_400).default(3600) })
    .default({ max: 20, windowSeconds: 3600 }),
  /** Registration is refused while this many clients await approval (a queue nobody can review is an attack surface). */
  maxPendingClients: z.number().int().min(1).max(100_000).default(200),
  /** …and while this many registered from one address bucket (IPv4 address, IPv6 /64), so a few addresses cannot fill it. */
  maxPendingClientsPerAddress: z.number().int().min(1).max(100_000).default(20),
  /**
   * Off by default. When on, a registration that meets a full cap deletes the oldest pending client (of that address
   * bucket, or overall) that registered more than `olderThanDays` ago and was never used, instead of being refused.
   */
  prunePendingWhenFull: z
    .object({ enabled: z.boolean().default(false), olderThanDays: z.number().int().min(1).max(3650).default(7) })
    .default({ enabled: false, olderThanDays: 7 }),
  defaultScopes: z.array(z.string().min(1).max(100)).max(200).default(DEFAULT_CLIENT_SCOPES),
});

export type RegistrationPolicy = z.infer<typeof registrationPolicySchema>;

export const DEFAULT_REGISTRATION_POLICY: RegistrationPolicy = registrationPolicySchema.parse({});

const cache = processState<{ version?: number; policy?: RegistrationPolicy }>("registration-policy", () => ({}));

/** The registration policy, from the `Setting` table, cached until a `settings` change. Invalid stored values fall back to the defaults. */
export async function registrationPolicy(): Promise<RegistrationPolicy> {
  const version = topicVersion("settings");
  if (cache.policy && cache.version === version) return cache.policy;
  const row = await db().setting.findUnique({ where: { key: REGISTRATION_POLICY_KEY } });
  let policy = DEFAULT_REGISTRATION_POLICY;
  if (row) {
    const parsed = registrationPolicySchema.safeParse(row.value);
    if (parsed.success) policy = parsed.data;
    else logger.error("stored registration policy is invalid; using the defaults", { issues: parsed.error.issues });
  }
  if (topicVersion("settings") === version) Object.assign(cache, { version, policy });
  return policy;
}
