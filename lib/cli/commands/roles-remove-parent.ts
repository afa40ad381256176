import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { removeRoleParent } from "@/lib/roles/remove-role-parent";

export default defineCommand({
  name: "roles remove-parent",
  summary: "Stop a role inheriting another role's scopes",
  positionals: "<role> <parent>",
  options: { ...DRY_RUN_OPTIONS },
  schema: z.object({
    _: z.array(z.string()).length(2, "give the role, then the role it should stop inheriting"),
    "dry-run": z.boolean().optional(),
    window: z.string().optional(),
  }),
  async run(options, io) {
    const [role, parent] = options._;
    if (options["dry-run"]) return printImpactPreview({ kind: "role_parent_remove", role, parent }, options, io);
    await removeRoleParent(role, parent, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ role, parent }) : `${role} no longer inherits ${parent}.`);
    return 0;
  },
});
