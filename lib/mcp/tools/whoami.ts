import { z } from "zod";
import { defineTool } from "@/lib/mcp/tools/define-tool";
import { allowedTools } from "@/lib/policy/decide";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { formatReason } from "@/lib/policy/types";

export default defineTool({
  name: "whoami",
  title: "Who am I",
  description:
    "Shows who this connection acts for: the user, the MCP client, the token's scopes and expiry, the user's roles and " +
    "effective scopes (each with the reason path that grants it), and the tools callable right now.",
  requiredScope: "account:read",
  input: z.object({}).strict(),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_input, { caller, snapshot }) {
    const user = snapshot.users.get(caller.userId)!;
    const client = snapshot.clients.get(caller.clientId)!;
    return {
      user: { id: user.id, email: user.email, name: user.name, kind: user.kind },
      client: { id: client.id, name: client.name },
      grant_id: caller.grantId,
      token: { scopes: caller.scopes, expires_at: new Date(caller.expiresAt * 1000).toISOString() },
      roles: user.roleIds.map((id) => snapshot.roles.get(id)?.name ?? id).sort(),
      // Mapped WorkOS roles count for MCP calls (AuthKit tokens), so they count here too.
      effective_scopes: [...userEffectiveScopes(snapshot, user.id, caller.extraRoles)]
        .map(([scope, path]) => ({ scope, reason: formatReason(path) }))
        .sort((a, b) => a.scope.localeCompare(b.scope)),
      callable_tools: allowedTools(snapshot, { userId: user.id, clientId: client.id, tokenScopes: caller.scopes, extraRoles: caller.extraRoles }).sort(),
    };
  },
});
