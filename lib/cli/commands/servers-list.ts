import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { loadUpstreamServers } from "@/lib/gateway/load-upstream-servers";

export default defineCommand({
  name: "servers list",
  summary: "List upstream MCP servers with their health",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(0) }),
  async run(_options, io) {
    const servers = await loadUpstreamServers();
    if (io.json) {
      io.out(JSON.stringify(servers.map(({ tools: _tools, ...s }) => s)));
      return 0;
    }
    if (!servers.length) {
      io.out("No upstream servers. Add one with: servers add <name> --url <url>");
      return 0;
    }
    const rows = servers.map((s) => [s.name, s.url, s.authKind, `${s.toolCount - s.heldCount}/${s.toolCount}`, String(s.heldCount), s.lastContactAt?.toISOString() ?? "never", s.lastError ?? ""]);
    for (const line of table(rows, ["NAME", "URL", "AUTH", "ACCEPTED", "HELD", "LAST CONTACT", "LAST ERROR"])) io.out(line);
    return 0;
  },
});
