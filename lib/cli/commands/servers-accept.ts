import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { AppError } from "@/lib/errors";
import { acceptUpstreamTools } from "@/lib/gateway/accept-upstream-tools";

export default defineCommand({
  name: "servers accept",
  summary: "Accept held tools of an upstream (new or changed definitions) so they can be listed and called",
  positionals: "<name>",
  options: {
    tool: { type: "string", value: "<tool>", multiple: true, description: "A held tool to accept (repeat for several)" },
    all: { type: "boolean", description: "Accept every held tool of the server" },
  },
  schema: z.object({ _: z.array(z.string()).length(1, "give exactly one server name"), tool: z.array(z.string()).default([]), all: z.boolean().default(false) }),
  async run(options, io) {
    if (!options.all && options.tool.length === 0) throw new AppError("invalid_input", "name the tools with --tool, or accept every held tool with --all");
    if (options.all && options.tool.length) throw new AppError("invalid_input", "give either --tool or --all, not both");
    const { accepted } = await acceptUpstreamTools(options._[0], options.all ? "all" : options.tool, CLI_CONTEXT);
    io.out(io.json ? JSON.stringify({ accepted }) : accepted.length ? `Accepted ${accepted.join(", ")}.` : "No held tools to accept.");
    return 0;
  },
});
