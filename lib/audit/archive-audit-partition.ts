import { constants } from "node:fs";
import { access, mkdir, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { appendAudit } from "@/lib/audit/append-audit";
import { AUDIT_ARCHIVE_TYPE, type AuditArchiveHeader } from "@/lib/audit/audit-archive-format";
import { viewAuditRow } from "@/lib/audit/audit-rows";
import { signCheckpoint, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import type { AuditContext } from "@/lib/audit/context";
import { AUDIT_COLUMNS } from "@/lib/audit/audit-sql";
import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";
import type { AuditPartition } from "@/lib/audit/list-audit-partitions";
import type { AuditRecord } from "@/lib/audit/types";
import { verifyAuditArchive } from "@/lib/audit/verify-audit-archive";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface ArchivedPartition {
  partition: string;
  file: string;
  firstSeq: string;
  lastSeq: string;
  events: number;
  sha256: string;
  checkpoint: AuditCheckpoint;
}

const BATCH = 10_000;
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Where the chain starts now: after the newest archive, or at the first event. */
async function chainStart(): Promise<{ seq: bigint; hash: string }> {
  const newest = await db().auditArchive.findFirst({ orderBy: { lastSeq: "desc" }, select: { lastSeq: true, lastHash: true } });
  return newest ? { seq: newest.lastSeq, hash: newest.lastHash } : { seq: 0n, hash: GENESIS_HASH };
}

/**
 * Writes one month's events to `<dir>/<partition>.jsonl` (written to a temporary name, flushed to disk, renamed),
 * checking each link and hash as it goes and every signed checkpoint that falls in the month; then reads the file
 * back and verifies it on its own (verifyAuditArchive) against the recorded SHA-256. Only then, in one transaction
 * that holds the audit table exclusively: the month must still be exactly what was archived and the next event must
 * link to its last; the archive is recorded, with its event in the chain, and the partition is dropped. Any failure
 * before that transaction commits leaves the partition where it was.
 */
export async function archiveAuditPartition(ctx: AuditContext, partition: AuditPartition, dir: string): Promise<ArchivedPartition> {
  if (!partition.from || !partition.to) throw new AppError("invalid_input", `${partition.name} is the default partition: only a whole month is archived`);
  if (partition.firstSeq === null || partition.lastSeq === null) throw new AppError("conflict", `${partition.name} holds no events: there is nothing to archive`);
  const { firstSeq, lastSeq } = partition;
  const start = await chainStart();
  if (firstSeq !== start.seq + 1n) {
    throw new AppError("conflict", `${partition.name} starts at event ${firstSeq}, but the chain starts at event ${start.seq + 1n}: archive the older months first`);
  }
  const head = await db().auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  if (!head || head.seq <= lastSeq) {
    throw new AppError("conflict", `${partition.name} holds the chain's newest event: the month that holds the head is never archived`);
  }
  const sinkBehind = await db().auditSink.findFirst({ where: { cursor: { lt: lastSeq } }, select: { name: true, cursor: true } });
  if (sinkBehind) {
    throw new AppError("conflict", `audit sink "${sinkBehind.name}" has delivered events only up to #${sinkBehind.cursor}: ${partition.name} (up to #${lastSeq}) is kept until it has them`);
  }

  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new AppError("conflict", `cannot write to the audit archive directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was archived or dropped`);
  }
  const file = `${partition.name}.jsonl`;
  const finalPath = join(dir, file);
  const partialPath = `${finalPath}.partial`;
  const checkpoints = new Map(
    (await db().auditCheckpoint.findMany({ where: { seq: { gte: firstSeq, lte: lastSeq } }, select: { seq: true, hash: true } })).map((c) => [c.seq, c.hash]),
  );

  let lastHash = start.hash;
  let events = 0;
  let checkpoint: AuditCheckpoint;
  const handle = await open(partialPath, "w", 0o600).catch((error: NodeJS.ErrnoException) => {
    throw new AppError("conflict", `cannot create ${partialPath}: ${error.code ?? error.message}; nothing was archived or dropped`);
  });
  try {
    const header: AuditArchiveHeader = {
      type: AUDIT_ARCHIVE_TYPE,
      version: 1,
      partition: partition.name,
      from: partition.from.toISOString(),
      to: partition.to.toISOString(),
      firstSeq: firstSeq.toString(),
      lastSeq: lastSeq.toString(),
      events: (lastSeq - firstSeq + 1n).toString(),
      firstPrevHash: start.hash,
      issuer: env().issuer,
    };
    await handle.write(`${JSON.stringify(header)}\n`);
    let expected = firstSeq;
    for (let after = firstSeq - 1n; ; ) {
      const rows = await db().$queryRawUnsafe<AuditRecord[]>(
        `SELECT ${AUDIT_COLUMNS}
         FROM ${quoted(partition.name)} WHERE "seq" > $1 ORDER BY "seq" LIMIT ${BATCH}`,
        after,
      );
      if (rows.length === 0) break;
      let chunk = "";
      for (const row of rows) {
        if (row.seq !== expected || row.prevHash !== lastHash || chainHash(row.prevHash, row) !== row.hash) {
          throw new AppError("conflict", `the audit chain does not hold at event ${row.seq}: ${partition.name} is not archived. Run: audit verify --full`);
        }
        const vouched = checkpoints.get(row.seq);
        if (vouched !== undefined && vouched !== row.hash) {
          throw new AppError("conflict", `event ${row.seq} is not the event its signed checkpoint vouches for: ${partition.name} is not archived. Run: audit verify --full`);
        }
        chunk += `${JSON.stringify(viewAuditRow(row))}\n`;
        lastHash = row.hash;
        expected += 1n;
        events += 1;
      }
      await handle.write(chunk);
      after = rows[rows.length - 1].seq;
    }
    if (expected - 1n !== lastSeq) throw new AppError("conflict", `${partition.name} changed while it was being archived; nothing was dropped`);
    checkpoint = signCheckpoint({ seq: lastSeq, hash: lastHash });
    await handle.write(`${JSON.stringify(checkpoint)}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(partialPath, { force: true });
    if (error instanceof AppError) throw error;
    throw new AppError("conflict", `writing ${partialPath} failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was dropped`);
  }
  await handle.close();
  await rename(partialPath, finalPath);
  const dirHandle = await open(dir, "r");
  await dirHandle.sync().finally(() => dirHandle.close());

  // Read back from disk, as an auditor would: only a file that verifies on its own lets the month go.
  const report = await verifyAuditArchive(finalPath);
  if (!report.ok || report.lastHash !== lastHash || report.events !== events) {
    throw new AppError("conflict", `the archive ${finalPath} does not verify (${report.problem ?? "it differs from the month"}); nothing was dropped`);
  }

  await db().$transaction(
    async (tx) => {
      // Writers wait for this short transaction; the table lock comes before the chain lock, as theirs does.
      await tx.$executeRawUnsafe(`LOCK TABLE "AuditEvent" IN ACCESS EXCLUSIVE MODE`);
      const [now] = await tx.$queryRawUnsafe<Array<{ count: bigint; last: string | null }>>(
        `SELECT count(*) AS count, (SELECT "hash" FROM ${quoted(partition.name)} WHERE "seq" = $1) AS last FROM ${quoted(partition.name)}`,
        lastSeq,
      );
      if (Number(now.count) !== events || now.last !== lastHash) throw new AppError("conflict", `${partition.name} changed after it was archived; nothing was dropped`);
      const next = await tx.auditEvent.findFirst({ where: { seq: lastSeq + 1n }, select: { prevHash: true } });
      if (next && next.prevHash !== lastHash) throw new AppError("conflict", `event ${lastSeq + 1n} does not follow the archived month's last event; nothing was dropped`);
      if (!next) throw new AppError("conflict", `${partition.name} holds the chain's newest event: the month that holds the head is never archived`);
      await tx.auditArchive.create({
        data: {
          partition: partition.name,
          firstSeq,
          lastSeq,
          firstPrevHash: start.hash,
          lastHash,
          events: BigInt(events),
          file,
          fileSha256: report.sha256,
          checkpoint: checkpoint as object,
          archivedAt: new Date(),
        },
      });
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DETACH PARTITION ${quoted(partition.name)}`);
      await tx.$executeRawUnsafe(`DROP TABLE ${quoted(partition.name)}`);
      await appendAudit(tx, [
        {
          kind: "audit.archived",
          actor: ctx.actor,
          ip: ctx.ip,
          requestId: ctx.requestId,
          reason: `audit events ${firstSeq}..${lastSeq} (${partition.name}) archived to ${file} and dropped`,
          detail: { partition: partition.name, firstSeq: firstSeq.toString(), lastSeq: lastSeq.toString(), events, file, sha256: report.sha256, checkpoint },
        },
      ]);
    },
    { timeout: 60_000 },
  );
  return { partition: partition.name, file: finalPath, firstSeq: firstSeq.toString(), lastSeq: lastSeq.toString(), events, sha256: report.sha256, checkpoint };
}
