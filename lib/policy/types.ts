import type { CompiledCondition } from "@/lib/conditions/compile-condition";

export type ReasonStepKind = "user" | "role" | "inherits" | "mapped" | "scope" | "tool" | "client" | "token" | "condition" | "check";

/** One link of a reason path: `user alice → role editor → inherits reader → scope clients:read → tool list_clients`. */
export interface ReasonStep {
  kind: ReasonStepKind;
  label: string;
}

export interface RoleNode {
  id: string;
  name: string;
  parentIds: string[];
  scopes: string[];
}

export interface UserNode {
  id: string;
  email: string;
  name: string;
  kind: "human" | "service";
  disabled: boolean;
  roleIds: string[];
  /** Console sessions signed in at an older epoch are over (see `sessionAccount`). */
  sessionEpoch: number;
  /** An administrator reset the password: the console asks for a new one before anything else. */
  mustChangePassword?: boolean;
}

export interface ClientNode {
  id: string;
  name: string;
  status: "pending" | "active" | "suspended" | "rejected";
  allowedScopes: string[];
  /** How the client came to be (`dcr`, `cimd`, `manual` …): what a condition sees as `client.source`. */
  source?: string;
}

export interface ToolNode {
  name: string;
  requiredScope: string;
  /** The upstream server a mirrored tool belongs to (DESIGN §10); absent or null for built-in tools. */
  serverName?: string | null;
  /** `held`: new or changed upstream, awaiting an admin's review: neither listed nor callable. */
  state?: string;
}

/** The whole policy in memory: what every decision on the hot path reads instead of the database. */
export interface PolicySnapshot {
  version: number;
  loadedAt: Date;
  scopes: Set<string>;
  roles: Map<string, RoleNode>;
  roleIdsByName: Map<string, string>;
  users: Map<string, UserNode>;
  clients: Map<string, ClientNode>;
  tools: Map<string, ToolNode>;
  /** CEL conditions on a role's permission to use a tool: tool name → role id → condition (DESIGN §11). */
  conditions?: Map<string, Map<string, ToolConditionNode>>;
  /** Tools whose calls need a second person: tool name → who may approve and for how long a request stands. */
  approvals?: Map<string, { approverRoles: string[]; expiresInSeconds: number; maskedFields?: string[] }>;
}

/**
 * A condition as the hot path holds it: compiled once when the policy is loaded. One that no longer compiles (it was
 * checked when saved, so only a library change could do that) keeps its error and denies (fail closed).
 */
export interface ToolConditionNode {
  roleId: string;
  tool: string;
  expression: string;
  compiled: CompiledCondition | null;
  compileError: string | null;
}

export function formatReason(steps: readonly ReasonStep[]): string {
  return steps.map((s) => (s.kind === "check" ? s.label : `${s.kind} ${s.label}`)).join(" → ");
}
