import type { Db } from "@/lib/db/client";

export interface SinkLag {
  /** The newest event in the chain (0: none). */
  head: bigint;
  /** Events appended and not yet delivered. */
  events: number;
  /** How long the oldest undelivered event has waited (0 when caught up). */
  seconds: number;
}

/** How far a sink with this cursor is behind the head of the chain. */
export async function measureSinkLag(database: Db, cursor: bigint, now = new Date()): Promise<SinkLag> {
  const newest = await database.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  const head = newest?.seq ?? 0n;
  if (head <= cursor) return { head, events: 0, seconds: 0 };
  const oldest = await database.auditEvent.findUnique({ where: { seq: cursor + 1n }, select: { at: true } });
  const seconds = oldest ? Math.max(0, Math.floor((now.getTime() - oldest.at.getTime()) / 1000)) : 0;
  return { head, events: Number(head - cursor), seconds };
}
