import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineTool } from "@/lib/mcp/tools/define-tool";
import { decide } from "@/lib/policy/decide";
import { userEffectiveScopes } from "@/lib/policy/effective-scopes";
import { formatReason } from "@/lib/policy/types";

export default defineTool({
  name: "effective_access",
  title: "Explain a user's access",
  description:
    "Explains what a user may do under the current policy: roles, effective scopes with the reason path for each, and " +
    "for every tool whether the user may call it and why. Give client_id to include that client's status and " +
    "allow-list in each decision (as if its token carried every scope).",
  requiredScope: "users:read",
  input: z
    .object({
      user: z.string().trim().min(1).max(320).describe("The user's email address or id"),
      client_id: z.string().min(1).max(2048).optional().describe("Decide each tool for calls through this client"),
    })
    .strict(),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run({ user: who, client_id }, { snapshot }) {
    const wanted = who.toLowerCase();
    const user = snapshot.users.get(who) ?? [...snapshot.users.values()].find((u) => u.email.toLowerCase() === wanted);
    if (!user) throw new AppError("not_found", `No user matches ${who}`);
    const client = client_id ? snapshot.clients.get(client_id) : undefined;
    if (client_id && !client) throw new AppError("not_found", `No client has client_id ${client_id}`);
    const scopes = userEffectiveScopes(snapshot, user.id);
    const tools = [...snapshot.tools.values()]
      .map((tool) => {
        if (client) {
          const decision = decide(snapshot, { userId: user.id, clientId: client.id, tokenScopes: [tool.requiredScope], tool: tool.name });
          return { tool: tool.name, required_scope: tool.requiredScope, allowed: decision.allow, reason: decision.reason };
        }
        const path = scopes.get(tool.requiredScope);
        return {
          tool: tool.name,
          required_scope: tool.requiredScope,
          allowed: path !== undefined,
          reason: path
            ? formatReason([...path, { kind: "tool", label: tool.name }])
            : user.disabled
              ? `denied: user ${user.email} is disabled`
              : `denied: user ${user.email} has no role granting ${tool.requiredScope}`,
        };
      })
      .sort((a, b) => a.tool.localeCompare(b.tool));
    return {
      user: { id: user.id, email: user.email, name: user.name, kind: user.kind, disabled: user.disabled },
      client: client ? { id: client.id, name: client.name, status: client.status, allowed_scopes: client.allowedScopes } : null,
      roles: user.roleIds.map((id) => snapshot.roles.get(id)?.name ?? id).sort(),
      effective_scopes: [...scopes]
        .map(([scope, path]) => ({ scope, reason: formatReason(path) }))
        .sort((a, b) => a.scope.localeCompare(b.scope)),
      tools,
    };
  },
});
