import { z } from "zod";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { defineCommand } from "@/lib/cli/command";
import { db } from "@/lib/db/client";

export default defineCommand({
  name: "audit tail",
  summary: "Show the newest audit events",
  options: {
    kind: { type: "string", value: "<kind>", multiple: true, description: "Only events of this kind (repeatable)" },
    limit: { type: "string", value: "<n>", description: "How many events (default 20, at most 1000)" },
  },
  schema: z.object({
    kind: z.array(z.string()).default([]),
    limit: z.coerce.number({ error: "--limit must be a number" }).int().min(1).max(1000).default(20),
  }),
  async run(options, io) {
    const events = await listAuditEvents(db(), { kinds: options.kind, limit: options.limit });
    if (io.json) {
      io.out(JSON.stringify(events));
      return 0;
    }
    for (const e of events.reverse()) {
      io.out(`${e.seq.padStart(6)}  ${e.at}  ${e.kind.padEnd(20)}  ${e.actor ?? "-"}  ${e.reason ?? ""}`);
    }
    return 0;
  },
});
