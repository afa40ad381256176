import type { AuditRecord } from "@/lib/audit/types";
import type { Db } from "@/lib/db/client";

/** An event without its chain hashes, JSON-safe: seq as a string, time as ISO 8601. */
export type AuditEventView = Omit<AuditRecord, "seq" | "at" | "prevHash" | "hash"> & { seq: string; at: string };

/** The newest events first, optionally of some kinds. */
export async function listAuditEvents(database: Db, options: { kinds?: string[]; limit?: number } = {}): Promise<AuditEventView[]> {
  const rows = await database.auditEvent.findMany({
    where: options.kinds?.length ? { kind: { in: options.kinds } } : undefined,
    orderBy: { seq: "desc" },
    take: Math.min(Math.max(options.limit ?? 50, 1), 1000),
  });
  return rows.map(({ prevHash: _p, hash: _h, seq, at, ...rest }) => ({ seq: seq.toString(), at: at.toISOString(), ...rest }));
}
