import { z } from "zod";
import { db } from "@/lib/db/client";
import { defineTool } from "@/lib/mcp/tools/define-tool";
import { listRoles } from "@/lib/roles/list-roles";

export default defineTool({
  name: "list_roles",
  title: "List roles",
  description:
    "Lists every role with its parents (roles inherit their parents' scopes), its own scopes, its effective scopes " +
    "(own and inherited) and how many users hold it.",
  requiredScope: "policy:read",
  input: z.object({}).strict(),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run() {
    const roles = await listRoles(db());
    return {
      roles: roles.map((r) => ({
        name: r.name,
        description: r.description,
        builtin: r.builtin,
        parents: r.parents,
        scopes: r.scopes,
        effective_scopes: r.effectiveScopes,
        users: r.userCount,
      })),
    };
  },
});
