import { z } from "zod";
import { ensureAuditPartitions } from "@/lib/audit/ensure-audit-partitions";
import { listAuditPartitions } from "@/lib/audit/list-audit-partitions";
import { defineCommand, table } from "@/lib/cli/command";
import { db } from "@/lib/db/client";

export default defineCommand({
  name: "audit partitions",
  summary: "List the audit log's monthly partitions (PostgreSQL), creating any still missing ahead of time first",
  options: {
    ahead: { type: "string", value: "<months>", description: "Create partitions this many months ahead (default PORTCULLIS_AUDIT_PARTITIONS_AHEAD)" },
  },
  schema: z.object({ ahead: z.coerce.number().int().min(1, "--ahead is 1 to 24 months").max(24, "--ahead is 1 to 24 months").optional() }),
  async run(options, io) {
    const created = await ensureAuditPartitions(db(), options.ahead);
    const partitions = await listAuditPartitions(db());
    const archives = await db().auditArchive.findMany({ orderBy: { lastSeq: "asc" } });
    if (io.json) {
      const seq = (n: bigint | null) => n?.toString() ?? null;
      io.out(JSON.stringify({
        created,
        partitions: partitions.map((p) => ({ name: p.name, from: p.from?.toISOString() ?? null, to: p.to?.toISOString() ?? null, firstSeq: seq(p.firstSeq), lastSeq: seq(p.lastSeq) })),
        archived: archives.map((a) => ({ partition: a.partition, firstSeq: a.firstSeq.toString(), lastSeq: a.lastSeq.toString(), file: a.file, sha256: a.fileSha256, archivedAt: a.archivedAt.toISOString() })),
      }));
      return 0;
    }
    if (partitions.length === 0) {
      io.out("The audit table is not partitioned: this is the embedded database, which keeps one table (partitions and retention are for PostgreSQL).");
      return 0;
    }
    if (created > 0) io.out(`Created ${created} partition(s).`);
    const rows = partitions.map((p) => [p.name, p.from ? `${p.from.toISOString().slice(0, 10)} .. ${p.to!.toISOString().slice(0, 10)}` : "default", p.firstSeq === null ? "empty" : `#${p.firstSeq} .. #${p.lastSeq}`]);
    for (const line of table(rows, ["partition", "month (UTC)", "events"])) io.out(line);
    for (const a of archives) io.out(`Archived: ${a.partition} (#${a.firstSeq} .. #${a.lastSeq}) in ${a.file}, sha256 ${a.fileSha256}`);
    return 0;
  },
});
