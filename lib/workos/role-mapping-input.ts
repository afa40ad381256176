import { z } from "zod";

/** WorkOS role slugs (`admin`) and permission slugs (`posts:read`), as they appear in AuthKit tokens. */
export const externalNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,99}$/, "use 1–100 letters, digits, _ . : / or -, as in the WorkOS dashboard");

export const externalKindSchema = z.enum(["role", "permission"], { error: "choose role or permission" });

export const roleMappingInput = z.object({
  externalKind: externalKindSchema,
  externalName: externalNameSchema,
  role: z.string().trim().min(1, "choose a local role"),
});

export type RoleMappingInput = z.input<typeof roleMappingInput>;
export type ExternalKind = z.output<typeof externalKindSchema>;

/** How a mapping reads in reason paths and audit events: `workos role admin`, `workos permission posts:read`. */
export function describeExternal(kind: ExternalKind, name: string): string {
  return `workos ${kind} ${name}`;
}
