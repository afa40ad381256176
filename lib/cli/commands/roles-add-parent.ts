import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { addRoleParent } from "@/lib/roles/add-role-parent";

export default defineCommand({
  name: "roles add-parent",
  summary: "Make a role inherit another role's scopes (cycles are refused)",
  positionals: "<role> <parent>",
  options: { ...DRY_RUN_OPTIONS },
  schema: z.object({ _: z.array(z.string()).length(2, "give the role, then the role it inherits from"),
    "dry-run": z.boolean().optional(),
    window: z.string().optional(),
  }),
  async run(options, io) {
    const [role, parent] = options._;
    if (options["dry-run"]) return printImpactPreview({ kind: "role_parent_add", role, parent }, options, io);
    await addRoleParent(role, parent, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ role, parent }) : `${role} now inherits ${parent}.`);
    return 0;
  },
});
