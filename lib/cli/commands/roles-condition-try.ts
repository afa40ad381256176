import { z } from "zod";
import { defineCommand } from "@/lib/cli/command";
import { tryToolCondition } from "@/lib/conditions/try-tool-condition";
import { db } from "@/lib/db/client";

export default defineCommand({
  name: "roles condition try",
  summary: "Evaluate a condition on a tool over example arguments and the tool's last 50 recorded calls (saves nothing)",
  positionals: "<tool>",
  options: {
    cel: { type: "string", value: "<expression>", description: "The condition to try" },
    args: { type: "string", value: "<json>", description: "Example arguments, a JSON object" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give the tool"),
    cel: z.string({ error: "give the condition with --cel" }),
    args: z.string().optional(),
  }),
  async run(options, io) {
    const trial = await tryToolCondition(db(), { tool: options._[0], expression: options.cel, exampleArgs: options.args, testerId: "" });
    if (io.json) {
      io.out(JSON.stringify(trial));
      return trial.ok ? 0 : 1;
    }
    if (!trial.ok) {
      io.err(`Condition refused at line ${trial.error.line}, column ${trial.error.column}: ${trial.error.message}`);
      return 1;
    }
    if (trial.example) io.out(`Example arguments: ${trial.example.result === "error" ? `deny (${trial.example.error})` : trial.example.result ? "allow" : "deny"}`);
    const { wouldAllow, wouldDeny, unknown } = trial.recorded;
    io.out(`Last ${trial.recorded.calls.length} recorded calls: ${wouldAllow} would be allowed, ${wouldDeny} denied, ${unknown} without recorded arguments.`);
    return 0;
  },
});
