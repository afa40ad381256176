import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { removeAuditSink } from "@/lib/sinks/remove-audit-sink";

export default defineCommand({
  name: "sinks remove",
  summary: "Stop streaming the audit log to a sink and forget its cursor and secrets",
  positionals: "<name|id>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give the sink's name or id") }),
  async run(options, io) {
    const removed = await removeAuditSink(options._[0], CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(removed));
    else io.out(`Removed sink ${removed.name} (it had delivered through event ${removed.cursor}).`);
    return 0;
  },
});
