import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * AuthKit's `external_auth_id` (e.g. `ext_auth_01HXYZ…`): an opaque, temporary identifier of one pending AuthKit sign-in.
 * Anything else is refused before WorkOS is asked.
 */
export const externalAuthIdSchema = z
  .string({ error: "The sign-in link has no external_auth_id." })
  .min(1, "The sign-in link has no external_auth_id.")
  .max(200, "The sign-in link's external_auth_id is too long.")
  .regex(/^[A-Za-z0-9_-]+$/, "The sign-in link's external_auth_id is malformed.");

/**
 * What the audit log keeps of an external_auth_id: a fingerprint, enough to correlate the steps of one sign-in, but not
 * the identifier itself — whoever holds a pending one could bind their own identity to someone else's AuthKit sign-in.
 */
export function externalAuthRef(externalAuthId: string): string {
  return createHash("sha256").update(externalAuthId).digest("hex").slice(0, 16);
}
