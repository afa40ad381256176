import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { setToolCondition } from "@/lib/conditions/set-tool-condition";

export default defineCommand({
  name: "roles condition set",
  summary: "Allow a role to use a tool only when a CEL condition over the call holds (checked before it is saved)",
  positionals: "<role> <tool>",
  options: { ...DRY_RUN_OPTIONS, cel: { type: "string", value: "<expression>", description: 'The condition, e.g. args.repo.startsWith("acme/support-")' } },
  schema: z.object({
    _: z.array(z.string()).length(2, "give the role, then the tool"),
    cel: z.string({ error: "give the condition with --cel" }),
    "dry-run": z.boolean().optional(),
    window: z.string().optional(),
  }),
  async run(options, io) {
    const [role, tool] = options._;
    if (options["dry-run"]) return printImpactPreview({ kind: "condition_set", role, tool, expression: options.cel }, options, io);
    const result = await setToolCondition(role, tool, options.cel, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify({ role, tool, ...result }));
    else io.out(result.changed ? `${role} may now use ${tool} only when: ${result.expression}` : `${role} already has that condition on ${tool}.`);
    return 0;
  },
});
