import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand } from "@/lib/cli/command";
import { testAuditSink } from "@/lib/sinks/test-audit-sink";

export default defineCommand({
  name: "sinks test",
  summary: "Send the newest audit event to a sink once and say whether it was taken (exit 1 if not)",
  positionals: "<name|id>",
  options: {},
  schema: z.object({ _: z.array(z.string()).length(1, "give the sink's name or id") }),
  async run(options, io) {
    const result = await testAuditSink(options._[0], CLI_CONTEXT);
    if (io.json) io.out(JSON.stringify(result));
    else if (result.ok) io.out(`Sink ${options._[0]} accepted event ${result.seq}.`);
    else io.err(`Sink ${options._[0]} did not take event ${result.seq}: ${result.error}`);
    return result.ok ? 0 : 1;
  },
});
