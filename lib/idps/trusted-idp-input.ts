import { z } from "zod";

const url = (field: string) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .max(2000)
    .refine((v) => URL.canParse(v) && new URL(v).protocol === "https:", `${field} must be an https URL`);

/** What an administrator gives to trust an enterprise IdP for enterprise-managed authorization (ID-JAG). */
export const trustedIdpInput = z
  .object({
    issuer: url("issuer"),
    name: z.string().trim().min(1, "name is required").max(200),
    jwksUri: url("jwksUri"),
    subjectMapping: z.enum(["linked", "email"], { error: "subjectMapping must be linked or email" }),
    allowedEmailDomains: z
      .array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "an email domain looks like example.com"))
      .max(50)
      .default([]),
  })
  .refine((v) => v.subjectMapping !== "email" || v.allowedEmailDomains.length > 0, {
    message: "subject mapping email needs at least one allowed email domain",
    path: ["allowedEmailDomains"],
  });

export type TrustedIdpInput = z.input<typeof trustedIdpInput>;
