import { z } from "zod";

const name = (what: string) => z.string({ error: `name the ${what}` }).trim().min(1, `name the ${what}`).max(200, `the ${what} name is too long`);
const scopeNames = z.array(z.string().trim().min(1).max(100), { error: "scopes must be a list of scope names" }).max(500, "at most 500 scopes");

/**
 * Every policy change whose effect can be previewed (DESIGN §12): the same changes the console forms and the CLI save.
 * One shape for the console's preview route, the CLI's `--dry-run` and the tests.
 */
export const policyChangeSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("role_scopes"), role: name("role"), scopes: scopeNames }),
    z.object({ kind: z.literal("role_parent_add"), role: name("role"), parent: name("parent role") }),
    z.object({ kind: z.literal("role_parent_remove"), role: name("role"), parent: name("parent role") }),
    z.object({ kind: z.literal("user_role_add"), userId: name("user"), role: name("role") }),
    z.object({ kind: z.literal("user_role_remove"), userId: name("user"), role: name("role") }),
    z.object({ kind: z.literal("tool_scope"), tool: name("tool"), scope: name("scope") }),
    z.object({ kind: z.literal("client_scopes"), clientId: name("client"), scopes: scopeNames }),
    z.object({ kind: z.literal("client_status"), clientId: name("client"), verb: z.enum(["approve", "reject", "suspend", "reactivate"], { error: "verb must be approve, reject, suspend or reactivate" }) }),
    z.object({ kind: z.literal("condition_set"), role: name("role"), tool: name("tool"), expression: z.string({ error: "give the condition" }).max(20_000, "the condition is too long") }),
    z.object({ kind: z.literal("condition_clear"), role: name("role"), tool: name("tool") }),
  ],
  { error: "kind must be one of role_scopes, role_parent_add, role_parent_remove, user_role_add, user_role_remove, tool_scope, client_scopes, client_status, condition_set, condition_clear" },
);

export type PolicyChange = z.infer<typeof policyChangeSchema>;

/** The preview window: how many days of recorded calls to replay. */
export const impactWindowSchema = z.coerce
  .number({ error: "the window must be a number of days" })
  .int("the window must be a whole number of days")
  .min(1, "the window must be at least 1 day")
  .max(365, "the window can be at most 365 days");

export const DEFAULT_IMPACT_WINDOW_DAYS = 14;

/** One line saying what the change is, for the audit log and the summary. */
export function describePolicyChange(change: PolicyChange, names: { user(id: string): string; client(id: string): string } = { user: (id) => id, client: (id) => id }): string {
  switch (change.kind) {
    case "role_scopes":
      return `role ${change.role} own scopes set to ${change.scopes.join(", ") || "none"}`;
    case "role_parent_add":
      return `role ${change.role} inherits ${change.parent}`;
    case "role_parent_remove":
      return `role ${change.role} stops inheriting ${change.parent}`;
    case "user_role_add":
      return `user ${names.user(change.userId)} given role ${change.role}`;
    case "user_role_remove":
      return `user ${names.user(change.userId)} loses role ${change.role}`;
    case "tool_scope":
      return `tool ${change.tool} requires ${change.scope}`;
    case "client_scopes":
      return `client ${names.client(change.clientId)} allowed scopes set to ${change.scopes.join(", ") || "none"}`;
    case "client_status":
      return `client ${names.client(change.clientId)}: ${change.verb}`;
    case "condition_set":
      return `role ${change.role} may use tool ${change.tool} only when ${change.expression}`;
    case "condition_clear":
      return `role ${change.role} may use tool ${change.tool} without a condition`;
  }
}
