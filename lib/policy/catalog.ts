/**
 * The seeded policy (DESIGN §1): built-in scopes and roles. This is the only place policy is written in code; after
 * the first start it lives in the database and is edited from the console.
 */
export const BUILTIN_SCOPES = {
  "account:read": "See who you are and what you may do",
  "clients:read": "List and inspect MCP clients",
  "clients:write": "Approve, reject, suspend and edit MCP clients",
  "policy:read": "Read roles, scopes and tool requirements",
  "policy:write": "Change roles, scopes and tool requirements",
  "users:read": "List users, their roles and effective access",
  "users:write": "Create users, assign roles, disable users",
  "tokens:read": "List grants and tokens",
  "tokens:revoke": "Revoke grants and tokens",
  "grants:own": "See and revoke your own grants",
  "audit:read": "Read and export the audit log",
  "settings:read": "Read settings",
  "settings:write": "Change settings, registration policy and signing keys",
  "servers:read": "List upstream MCP servers, their health and mirrored tools",
  "servers:write": "Add, change, refresh and remove upstream MCP servers; accept their tools",
  "pdp:evaluate": "Ask Portcullis for access decisions (AuthZEN), as another enforcement point",
  "reviews:write": "Run access-review campaigns and decide their items",
} as const;

/**
 * A scope every installation has. Code that asks for a scope by name (`requireScope("clients:write")`, a page's
 * `me.scopes.has("audit:read")`) takes this type, so a misspelt name is a compile error, not a check that never passes.
 * Scopes created at runtime (custom scopes, a tool's configured requirement) are plain strings and go through the
 * functions that say so (`HeldScopes.hasRuntimeScope`).
 */
export type BuiltinScope = keyof typeof BUILTIN_SCOPES;

const READ_ONLY: BuiltinScope[] = [
  "account:read",
  "clients:read",
  "policy:read",
  "users:read",
  "tokens:read",
  "audit:read",
  "settings:read",
  "servers:read",
];

export interface SeedRole {
  name: string;
  description: string;
  scopes: BuiltinScope[] | "all";
  parents: string[];
  builtin: boolean;
}

export const SEED_ROLES: SeedRole[] = [
  {
    name: "iam_admin",
    description: "Everything: clients, policy, users, tokens, audit and settings",
    scopes: "all",
    parents: [],
    builtin: true,
  },
  {
    name: "access_reviewer",
    description: "Reads everything and the audit log; runs access reviews",
    scopes: [...READ_ONLY, "reviews:write"],
    parents: [],
    builtin: true,
  },
  {
    name: "developer",
    description: "Connects MCP clients and manages their own grants",
    scopes: ["account:read", "grants:own"],
    parents: [],
    builtin: true,
  },
  {
    name: "enforcement_point",
    description: "Another gateway or MCP server that asks Portcullis for decisions (AuthZEN); give it to a client's service identity",
    scopes: ["pdp:evaluate"],
    parents: [],
    builtin: true,
  },
  {
    name: "reader",
    description: "Example: reads clients and policy",
    scopes: ["account:read", "clients:read", "policy:read"],
    parents: [],
    builtin: false,
  },
  {
    name: "editor",
    description: "Example: a reader who may also manage clients",
    scopes: ["clients:write"],
    parents: ["reader"],
    builtin: false,
  },
];

export const ADMIN_ROLE = "iam_admin";
