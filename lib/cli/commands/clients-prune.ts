import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { defineCommand, table } from "@/lib/cli/command";
import { pruneStaleClients } from "@/lib/clients/prune-stale-clients";

export default defineCommand({
  name: "clients prune",
  summary: "Delete pending clients older than N days that were never used (--dry-run to count them first)",
  options: {
    "older-than-days": { type: "string", value: "<days>", description: "Pending for more than this many days (required)" },
    "dry-run": { type: "boolean", description: "Only count and list them" },
  },
  schema: z.object({
    "older-than-days": z.coerce.number({ error: "--older-than-days is required" }).int("--older-than-days must be a whole number"),
    "dry-run": z.boolean().optional(),
  }),
  async run(options, io) {
    const result = await pruneStaleClients({ olderThanDays: options["older-than-days"], dryRun: options["dry-run"] }, CLI_CONTEXT);
    if (io.json) {
      io.out(JSON.stringify(result));
      return 0;
    }
    const what = `pending client(s) older than ${result.olderThanDays} day(s), never used`;
    io.out(result.dryRun ? `${result.count} ${what} would be deleted.` : `Deleted ${result.count} ${what}.`);
    if (result.remaining) io.out(`${result.remaining} more remain; run again.`);
    if (result.dryRun && result.sample.length) {
      const rows = result.sample.map((s) => [s.id, s.name, s.createdAt.toISOString().slice(0, 16).replace("T", " "), s.registrationIp ?? "-"]);
      table(rows, ["CLIENT ID", "NAME", "REGISTERED", "FROM"]).forEach((l) => io.out(l));
    }
    return 0;
  },
});
