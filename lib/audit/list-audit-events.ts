import type { Db } from "@/lib/db/client";

export interface AuditEventView {
  seq: string;
  at: string;
  kind: string;
  actor: string | null;
  subject: string | null;
  clientId: string | null;
  tool: string | null;
  scopes: string[];
  decision: string | null;
  reason: string | null;
  requestId: string | null;
  ip: string | null;
  detail: unknown;
}

/** The newest events first, optionally of some kinds. */
export async function listAuditEvents(database: Db, options: { kinds?: string[]; limit?: number } = {}): Promise<AuditEventView[]> {
  const rows = await database.auditEvent.findMany({
    where: options.kinds?.length ? { kind: { in: options.kinds } } : undefined,
    orderBy: { seq: "desc" },
    take: Math.min(Math.max(options.limit ?? 50, 1), 1000),
  });
  return rows.map(({ prevHash: _p, hash: _h, seq, at, ...rest }) => ({ seq: seq.toString(), at: at.toISOString(), ...rest }));
}
