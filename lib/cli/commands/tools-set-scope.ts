import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { DRY_RUN_OPTIONS, printImpactPreview } from "@/lib/cli/print-impact-preview";
import { setToolScope } from "@/lib/tools/set-tool-scope";

export default defineCommand({
  name: "tools set-scope",
  summary: "Change the scope an MCP tool requires (applies to the next call)",
  positionals: "<tool> <scope>",
  options: { ...DRY_RUN_OPTIONS },
  schema: z.object({ _: z.array(z.string()).length(2, "give the tool, then the scope it should require"),
    "dry-run": z.boolean().optional(),
    window: z.string().optional(),
  }),
  async run(options, io) {
    const [tool, scope] = options._;
    if (options["dry-run"]) return printImpactPreview({ kind: "tool_scope", tool, scope }, options, io);
    const result = await setToolScope(tool, scope, CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify({ tool, scope, ...result }));
    else io.out(result.changed ? `${tool} now requires ${scope} (was ${result.previous}).` : `${tool} already requires ${scope}.`);
    return 0;
  },
});
