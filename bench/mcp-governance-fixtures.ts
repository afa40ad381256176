/**
 * The server side of the call-governance scenarios of `npm run bench:mcp` (bench/mcp-governance.ts): in the bench
 * server's process, a second user whose only role reaches the tool through a CEL condition (always true for them, so
 * every call is allowed and does the same work as the unguarded one), and an enforcement point allowed `pdp:evaluate`
 * with the AuthZEN request that asks for the same decision as the plain user's /mcp call.
 */
import { SYSTEM_CONTEXT, CLI_CONTEXT } from "@/lib/audit";
import { handleAccessRequest } from "@/lib/authzen/handle-access-request";
import { setToolCondition } from "@/lib/conditions/set-tool-condition";
import { createRole } from "@/lib/roles/create-role";
import { createUser } from "@/lib/users/create-user";
import { issueTestToken } from "@/test/support/mcp";

export const GOVERNANCE_CONDITION = `user.email.endsWith("@example.test") && tool.name == "whoami" && size(args) == 0`;

export interface GovernanceFixtures {
  guardedTokens: Array<{ token: string; grantId: string }>;
  pdpToken: string;
  evaluation: Record<string, unknown>;
}

export async function governanceFixtures(plain: { email: string }, clientId: string | undefined, grants: number, tool: string): Promise<GovernanceFixtures> {
  await createRole({ name: "bench_guarded", description: "bench: reaches the tool through a condition", scopes: ["account:read", "clients:read", "policy:read"] }, SYSTEM_CONTEXT);
  await setToolCondition("bench_guarded", tool, GOVERNANCE_CONDITION, CLI_CONTEXT);
  const guarded = await createUser({ email: `bench-guarded-${Date.now()}@example.test`, name: "Bench guarded", roles: ["bench_guarded"] }, SYSTEM_CONTEXT);
  const guardedTokens: GovernanceFixtures["guardedTokens"] = [];
  for (let i = 0; i < grants; i++) {
    const issued = await issueTestToken({ userId: guarded.id, scopes: ["account:read", "clients:read", "policy:read"], clientId, clientName: "Bench client" });
    guardedTokens.push({ token: issued.token, grantId: issued.grantId });
  }
  const pdp = await createUser({ email: `bench-pdp-${Date.now()}@example.test`, name: "Bench enforcement point", kind: "service", roles: ["enforcement_point"] }, SYSTEM_CONTEXT);
  const pdpToken = (await issueTestToken({ userId: pdp.id, scopes: ["pdp:evaluate"] })).token;
  return {
    guardedTokens,
    pdpToken,
    evaluation: { subject: { type: "user", id: plain.email }, action: { name: "call" }, resource: { type: "tool", id: tool }, context: { client: clientId } },
  };
}

/** The AuthZEN routes, as app/access/v1/* serves them. */
export function serveAccess(request: Request, path: string): Promise<Response> | null {
  if (path === "/access/v1/evaluation") return handleAccessRequest(request, "evaluation");
  if (path === "/access/v1/evaluations") return handleAccessRequest(request, "evaluations");
  return null;
}
