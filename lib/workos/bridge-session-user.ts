import { auth } from "@/lib/auth/auth";
import { noteChanged } from "@/lib/changes/change-versions";
import { policySnapshot } from "@/lib/policy/policy-snapshot";

export interface BridgeUser {
  id: string;
  email: string;
  name: string;
}

/**
 * The person signed in to Portcullis, for the Login URI: any enabled local user (what they may then do through an MCP
 * client is decided at /mcp, by policy). Null without a usable session.
 */
export async function bridgeSessionUser(): Promise<BridgeUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  let snapshot = await policySnapshot();
  if (!snapshot.users.has(id)) {
    noteChanged(["policy"]);
    snapshot = await policySnapshot();
  }
  const user = snapshot.users.get(id);
  if (!user || user.disabled || user.kind !== "human") return null;
  return { id: user.id, email: user.email, name: user.name };
}
