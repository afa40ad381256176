import { db } from "@/lib/db/client";
import { listScopes, type ScopeSummary } from "@/lib/scopes/list-scopes";
import { listUsers, type UserSummary } from "@/lib/users/list-users";

export interface ApprovalChoices {
  /** The scopes a client can be allowed. */
  scopes: ScopeSummary[];
  /** The enabled service users a client-credentials client can act as. */
  serviceUsers: UserSummary[];
}

/** What a client's approval and scope forms let an editor choose from. */
export async function loadApprovalChoices(): Promise<ApprovalChoices> {
  const [scopes, serviceUsers] = await Promise.all([listScopes(db()), listUsers({ kind: "service", status: "enabled" })]);
  return { scopes, serviceUsers };
}
