import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { setRoleScopes } from "@/lib/roles/set-role-scopes";

export default defineCommand({
  name: "roles set-scopes",
  summary: "Replace a role's own scopes (inherited ones come from its parents); applies from the next call",
  positionals: "<role>",
  options: {
    ...DRY_RUN_OPTIONS,
    scope: { type: "string", value: "<scope>", multiple: true, description: "An own scope (repeat)" },
    scopes: { type: "string", value: "<a,b,…>", description: "The same, as one comma- or space-separated list" },
    none: { type: "boolean", description: "No own scope at all" },
  },
  schema: z
    .object({
      _: z.tuple([z.string()], { error: "give exactly one role" }),
      scope: z.array(z.string()).optional(),
      scopes: z.string().optional(),
      none: z.boolean().optional(),
      "dry-run": z.boolean().optional(),
      window: z.string().optional(),
    })
    .refine((o) => o.none || o.scope || o.scopes, { message: "give the scopes (--scope, --scopes) or --none" }),
  async run(options, io) {
    const role = options._[0];
    const scopes = options.none ? [] : [...(options.scope ?? []), ...(options.scopes?.split(/[\s,]+/).filter(Boolean) ?? [])];
    if (options["dry-run"]) return printImpactPreview({ kind: "role_scopes", role, scopes }, options, io);
    const { added, removed } = await setRoleScopes(role, scopes, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify({ role, added, removed }));
    else io.out(added.length + removed.length === 0 ? `No change to ${role}.` : `${role}: added ${added.join(" ") || "-"}; removed ${removed.join(" ") || "-"}.`);
    return 0;
  },
});
