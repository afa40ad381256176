import { archiveAuditPartition, type ArchivedPartition } from "@/lib/audit/archive-audit-partition";
import type { AuditContext } from "@/lib/audit/context";
import { listAuditPartitions } from "@/lib/audit/list-audit-partitions";
import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import pg from "pg";
import { databaseUrl, db } from "@/lib/db/client";
import { env, MIN_AUDIT_RETENTION_DAYS } from "@/lib/env";
import { AppError } from "@/lib/errors";

const RETENTION_LOCK = 7_207_369_004;

async function assertWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new AppError("conflict", `cannot write to the audit archive directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; nothing was archived or dropped`);
  }
}

export interface RetentionOptions {
  /** Keep events this many days (default: PORTCULLIS_AUDIT_RETENTION_DAYS). */
  days?: number;
  /** Where archives go (default: PORTCULLIS_AUDIT_ARCHIVE_DIR, or audit-archive under the data directory). */
  dir?: string;
  /** List what would be archived, change nothing. */
  dryRun?: boolean;
  now?: Date;
}

export interface RetentionResult {
  cutoff: string;
  /** Months wholly older than the cutoff, oldest first: archived and dropped, or (dry run) due. */
  due: Array<{ partition: string; firstSeq: string | null; lastSeq: string | null }>;
  archived: ArchivedPartition[];
}

/**
 * Archives and drops every month whose events are all older than the retention period, oldest first, each through
 * archiveAuditPartition (archive written and verified before its drop); stops at the first month that cannot be. Only
 * on PostgreSQL, where a month is a partition dropped whole: the embedded database keeps one table, and removing rows
 * from it would need the append-only trigger lifted and leave its file as large as before.
 */
export async function applyAuditRetention(ctx: AuditContext, options: RetentionOptions = {}): Promise<RetentionResult> {
  const config = env();
  const days = options.days ?? config.auditPartitions.retentionDays;
  if (!Number.isInteger(days) || days <= 0) throw new AppError("invalid_input", "No audit retention period is set (PORTCULLIS_AUDIT_RETENTION_DAYS, or --days): every event is kept.");
  if (days < MIN_AUDIT_RETENTION_DAYS) {
    throw new AppError("invalid_input", `An audit retention of ${days} day(s) is too short: at least ${MIN_AUDIT_RETENTION_DAYS} days are kept. Nothing was archived or dropped.`);
  }
  const partitions = await listAuditPartitions(db());
  if (partitions.length === 0) {
    throw new AppError("invalid_input", "Audit retention needs PostgreSQL (DATABASE_URL): the embedded database keeps every event in one unpartitioned table. Nothing was archived or dropped.");
  }
  const dir = options.dir ?? config.auditPartitions.archiveDir;
  // A directory that cannot take an archive is reported before anything is read, whether or not a month is due.
  if (!options.dryRun) await assertWritable(dir);
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  const due = partitions.filter((p) => p.to !== null && p.to.getTime() <= cutoff.getTime());
  const result: RetentionResult = {
    cutoff: cutoff.toISOString(),
    due: due.map((p) => ({ partition: p.name, firstSeq: p.firstSeq?.toString() ?? null, lastSeq: p.lastSeq?.toString() ?? null })),
    archived: [],
  };
  if (options.dryRun) return result;
  // One archivist across instances: a session lock on a connection of its own, held for the whole run.
  const lock = new pg.Client({ connectionString: databaseUrl() });
  await lock.connect();
  try {
    const [{ locked }] = (await lock.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RETENTION_LOCK])).rows;
    if (!locked) throw new AppError("conflict", "Another instance is archiving audit events right now; nothing was done here.");
    for (const partition of due) {
      // An empty old month holds nothing to archive and costs nothing to keep.
      if (partition.firstSeq === null) continue;
      result.archived.push(await archiveAuditPartition(ctx, partition, dir));
    }
  } finally {
    await lock.end().catch(() => {});
  }
  return result;
}
