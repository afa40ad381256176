import { z } from "zod";
import { topicVersion } from "@/lib/changes/change-versions";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { processState } from "@/lib/process-state";

export const WORKOS_LINKING_KEY = "workos_linking";

const emailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, "must be an email domain such as example.com");

/**
 * When a WorkOS identity may be linked to an existing Portcullis account automatically, by the email WorkOS says it
 * has verified. WorkOS "verified" means only that the identity provider asserted the address: in an AuthKit
 * environment where people bring their own SSO connection or social login, anyone may assert any address. So linking
 * by email happens only for domains an admin lists here (whose identity providers they trust), and never to an account
 * holding iam_admin or a write scope — those are linked only by an admin (`users link-workos`).
 */
export const workosLinkingSchema = z.object({
  /** Email domains (exact, no subdomains) whose verified addresses may link automatically. Empty: none may. */
  autoLinkEmailDomains: z.array(emailDomain).max(200).default([]),
});

export type WorkosLinking = z.infer<typeof workosLinkingSchema>;

export const DEFAULT_WORKOS_LINKING: WorkosLinking = workosLinkingSchema.parse({});

const cache = processState<{ version?: number; linking?: WorkosLinking }>("workos-linking", () => ({}));

/** The linking settings, from the `Setting` table, cached until a `settings` change. An invalid stored value links nothing. */
export async function workosLinking(): Promise<WorkosLinking> {
  const version = topicVersion("settings");
  if (cache.linking && cache.version === version) return cache.linking;
  const row = await db().setting.findUnique({ where: { key: WORKOS_LINKING_KEY } });
  let linking = DEFAULT_WORKOS_LINKING;
  if (row) {
    const parsed = workosLinkingSchema.safeParse(row.value);
    if (parsed.success) linking = parsed.data;
    else logger.error("stored WorkOS linking settings are invalid; linking nothing automatically", { issues: parsed.error.issues });
  }
  if (topicVersion("settings") === version) Object.assign(cache, { version, linking });
  return linking;
}

/** Whether an address's domain is one an admin trusts for automatic linking. */
export function mayAutoLink(linking: WorkosLinking, email: string): boolean {
  const at = email.lastIndexOf("@");
  return at > 0 && linking.autoLinkEmailDomains.includes(email.slice(at + 1).toLowerCase());
}
