import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { clearToolCondition } from "@/lib/conditions/clear-tool-condition";

export default defineCommand({
  name: "roles condition clear",
  summary: "Remove the condition on a role's use of a tool",
  positionals: "<role> <tool>",
  options: { ...DRY_RUN_OPTIONS },
  schema: z.object({ _: z.array(z.string()).length(2, "give the role, then the tool"),
    "dry-run": z.boolean().optional(),
    window: z.string().optional(),
  }),
  async run(options, io) {
    const [role, tool] = options._;
    if (options["dry-run"]) return printImpactPreview({ kind: "condition_clear", role, tool }, options, io);
    const result = await clearToolCondition(role, tool, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify({ role, tool, ...result }));
    else io.out(result.cleared ? `${role} may use ${tool} without a condition (was: ${result.previous}).` : `${role} had no condition on ${tool}.`);
    return 0;
  },
});
