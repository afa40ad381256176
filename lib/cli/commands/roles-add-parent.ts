import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { addRoleParent } from "@/lib/roles/add-role-parent";

export default defineCommand({
  name: "roles add-parent",
  summary: "Make a role inherit another role's scopes (cycles are refused)",
  positionals: "<role> <parent>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(2, "give the role, then the role it inherits from") }),
  async run(options, io) {
    const [role, parent] = options._;
    await addRoleParent(role, parent, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ role, parent }) : `${role} now inherits ${parent}.`);
    return 0;
  },
});
