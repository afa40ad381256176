import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { removeUpstreamServer } from "@/lib/gateway/remove-upstream-server";

export default defineCommand({
  name: "servers remove",
  summary: "Remove an upstream MCP server: its endpoint, tools and grants go",
  positionals: "<name>",
  options: { reason: { type: "string", value: "<text>", description: "Why (required, for the audit log)" } },
  schema: z.object({ _: z.array(z.string()).length(1, "give exactly one server name"), reason: z.string({ error: "--reason is required" }) }),
  async run(options, io) {
    const result = await removeUpstreamServer(options._[0], options.reason, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ name: options._[0], ...result }) : `Removed ${options._[0]}; ${result.revokedGrants} grants for its endpoint revoked.`);
    return 0;
  },
});
