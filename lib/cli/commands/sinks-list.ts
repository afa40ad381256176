import { z } from "zod";
import { defineCommand, table } from "@/lib/cli/command";
import { listSinkHealth } from "@/lib/sinks/list-sink-health";

export default defineCommand({
  name: "sinks list",
  summary: "List audit sinks with their delivery health: cursor, lag in events and seconds, last error",
  options: {},
  schema: z.object({}),
  async run(_options, io) {
    const sinks = await listSinkHealth();
    if (io.json) {
      io.out(JSON.stringify(sinks));
      return 0;
    }
    if (sinks.length === 0) {
      io.out("No audit sinks. Add one: sinks add <name> --kind webhook --endpoint https://…");
      return 0;
    }
    const rows = sinks.map((s) => [
      s.name,
      s.kind,
      s.endpoint,
      `${s.cursor}/${s.head}`,
      `${s.lagEvents} ev, ${s.lagSeconds} s${s.lagging ? " (ALERTED)" : ""}`,
      s.failures ? `${s.failures}× ${s.lastError ?? ""}` : "ok",
    ]);
    table(rows, ["NAME", "KIND", "ENDPOINT", "DELIVERED/HEAD", "LAG", "STATUS"]).forEach((l) => io.out(l));
    return 0;
  },
});
