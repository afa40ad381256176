import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { createRole } from "@/lib/roles/create-role";

export default defineCommand({
  name: "roles create",
  summary: "Create a role with scopes and parent roles",
  positionals: "<name>",
  options: {
    description: { type: "string", value: "<text>", description: "What the role is for" },
    scope: { type: "string", value: "<scope>", multiple: true, description: "A scope the role grants (repeatable)" },
    parent: { type: "string", value: "<role>", multiple: true, description: "A role to inherit from (repeatable)" },
  },
  schema: z.object({
    _: z.array(z.string()).length(1, "give exactly one role name"),
    description: z.string().default(""),
    scope: z.array(z.string()).default([]),
    parent: z.array(z.string()).default([]),
  }),
  async run(options, io) {
    const role = await createRole(
      { name: options._[0], description: options.description, scopes: options.scope, parents: options.parent },
      CLI_CONTEXT,
    );
    io.out(io.json ? JSON.stringify(role) : `Created role ${role.name}.`);
    return 0;
  },
});
