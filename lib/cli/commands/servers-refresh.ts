import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { refreshUpstreamServer } from "@/lib/gateway/refresh-upstream-server";

export default defineCommand({
  name: "servers refresh",
  summary: "List an upstream's tools again now: new or changed ones are held for review",
  positionals: "<name>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give exactly one server name") }),
  async run(options, io) {
    const report = await refreshUpstreamServer(options._[0], CLI_CONTEXT);
    if (io.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    const parts = [
      report.added.length ? `new (held): ${report.added.join(", ")}` : "",
      report.changed.length ? `changed (held): ${report.changed.join(", ")}` : "",
      report.restored.length ? `back to accepted: ${report.restored.join(", ")}` : "",
      report.removed.length ? `removed: ${report.removed.join(", ")}` : "",
    ].filter(Boolean);
    io.out(parts.length ? `Refreshed ${report.name}; ${parts.join("; ")}.` : `Refreshed ${report.name}; nothing changed.`);
    for (const skipped of report.skipped) io.err(`Skipped ${skipped}`);
    return 0;
  },
});
