import { forgetAuditCheckpoints } from "@/lib/audit/schedule-audit-checkpoints";
import { db, type Tx } from "@/lib/db/client";

/**
 * Runs `tamper` as an attacker who owns the audit tables (or is a superuser) could: with their append-only triggers
 * disabled, inside one transaction, so no other session ever sees them off. Tests use it to break the log on purpose.
 */
export function withAuditTriggersDisabled<T>(tamper: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditArchive" DISABLE TRIGGER USER`);
    const result = await tamper(tx);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditCheckpoint" ENABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditArchive" ENABLE TRIGGER USER`);
    return result;
  });
}

/** Empties the audit log and its checkpoints, for a test that starts from no events. */
export async function eraseAuditLog(): Promise<void> {
  await forgetAuditCheckpoints();
  await withAuditTriggersDisabled(async (tx) => {
    await tx.auditCheckpoint.deleteMany();
    await tx.auditArchive.deleteMany();
    await tx.auditEvent.deleteMany();
  });
  await forgetAuditCheckpoints();
}
