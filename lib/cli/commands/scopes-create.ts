import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { createScope } from "@/lib/scopes/create-scope";

export default defineCommand({
  name: "scopes create",
  summary: "Create a scope (area:verb or tools:<name>)",
  positionals: "<name>",
  options: { description: { type: "string", value: "<text>", description: "What the scope allows (required)" } },
  schema: z.object({
    _: z.array(z.string()).length(1, "give exactly one scope name"),
    description: z.string({ error: "--description is required" }),
  }),
  async run(options, io) {
    const scope = await createScope({ name: options._[0], description: options.description }, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify(scope) : `Created scope ${scope.name}.`);
    return 0;
  },
});
