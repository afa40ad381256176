import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { loadUpstreamServer } from "@/lib/gateway/load-upstream-servers";

export default defineCommand({
  name: "servers tools",
  summary: "List an upstream's mirrored tools, accepted or held, with the scope each requires",
  positionals: "<name>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give exactly one server name") }),
  async run(options, io) {
    const server = await loadUpstreamServer(options._[0]);
    if (io.json) {
      io.out(JSON.stringify(server.tools));
      return 0;
    }
    const rows = server.tools.map((t) => [t.upstreamName, t.state, t.requiredScope, t.name, (t.pendingHash ?? t.definitionHash ?? "").slice(0, 12)]);
    for (const line of table(rows, ["TOOL", "STATE", "REQUIRES", "POLICY NAME", "HASH"])) io.out(line);
    return 0;
  },
});
