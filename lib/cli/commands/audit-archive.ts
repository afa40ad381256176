import { z } from "zod";
import { CLI_CONTEXT } from "@/lib/audit";
import { applyAuditRetention } from "@/lib/audit/apply-audit-retention";
import { defineCommand } from "@/lib/cli/command";

export default defineCommand({
  name: "audit archive",
  summary: "Apply audit retention now (PostgreSQL): archive each month older than the period to JSON Lines, verify it, then drop it",
  options: {
    days: { type: "string", value: "<days>", description: "Keep this many days (default PORTCULLIS_AUDIT_RETENTION_DAYS; at least 31)" },
    dir: { type: "string", value: "<dir>", description: "Write archives here (default PORTCULLIS_AUDIT_ARCHIVE_DIR, or audit-archive in the data directory)" },
    "dry-run": { type: "boolean", description: "Only list the months that are due" },
  },
  schema: z.object({
    days: z.coerce.number({ error: "--days must be a whole number of days" }).int("--days must be a whole number of days").positive("--days must be at least 1").optional(),
    dir: z.string().min(1, "--dir needs a directory").optional(),
    "dry-run": z.boolean().default(false),
  }),
  async run(options, io) {
    const result = await applyAuditRetention(CLI_CONTEXT, { days: options.days, dir: options.dir, dryRun: options["dry-run"] });
    if (io.json) {
      io.out(JSON.stringify(result));
      return 0;
    }
    if (result.due.length === 0) io.out(`No month is wholly older than ${result.cutoff}: nothing to archive.`);
    if (options["dry-run"]) {
      for (const due of result.due) io.out(`Due: ${due.partition} (${due.firstSeq ? `#${due.firstSeq} .. #${due.lastSeq}` : "empty"})`);
      return 0;
    }
    for (const a of result.archived) {
      io.out(`Archived ${a.partition}: events #${a.firstSeq} .. #${a.lastSeq} (${a.events}) to ${a.file}, sha256 ${a.sha256}; verified, then dropped.`);
    }
    return 0;
  },
});
