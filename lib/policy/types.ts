export type ReasonStepKind = "user" | "role" | "inherits" | "mapped" | "scope" | "tool" | "client" | "token" | "check";

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
}

export interface ToolNode {
  name: string;
  requiredScope: string;
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
}

export function formatReason(steps: readonly ReasonStep[]): string {
  return steps.map((s) => (s.kind === "check" ? s.label : `${s.kind} ${s.label}`)).join(" → ");
}
