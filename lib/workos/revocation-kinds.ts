import { z } from "zod";

/**
 * Deny-list entries for tokens Portcullis did not issue (AuthKit), one table (`Revocation`) with three kinds:
 * a single token (its `jti`), every token of a client, every token of a WorkOS user (`sub`).
 */
export const revocationKindSchema = z.enum(["token", "client", "user"], { error: "revoke a token, a client or a user" });
export type RevocationKind = z.output<typeof revocationKindSchema>;

export const revocationValueSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,255}$/, "must be 1–255 visible characters");

export const revocationReasonSchema = z.string().trim().max(500, "keep the reason under 500 characters").optional();
