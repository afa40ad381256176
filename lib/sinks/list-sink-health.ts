import { db } from "@/lib/db/client";
import { measureSinkLag } from "@/lib/sinks/sink-lag";

/** A sink as the console and `sinks list` show it: where it delivers and how far behind it is. Never its secrets. */
export interface SinkHealth {
  id: string;
  name: string;
  kind: string;
  endpoint: string;
  allowPrivate: boolean;
  cursor: string;
  head: string;
  lagEvents: number;
  lagSeconds: number;
  lagAlertEvents: number;
  lagAlertSeconds: number;
  lagging: boolean;
  deliveredAt: string | null;
  failures: number;
  lastError: string | null;
  lastErrorAt: string | null;
  nextAttemptAt: string | null;
  leaseOwner: string | null;
  hasSecrets: boolean;
}

export async function listSinkHealth(): Promise<SinkHealth[]> {
  const sinks = await db().auditSink.findMany({ orderBy: { name: "asc" } });
  const now = new Date();
  return Promise.all(
    sinks.map(async (sink) => {
      const lag = await measureSinkLag(db(), sink.cursor, now);
      const leased = sink.leaseUntil && sink.leaseUntil > now;
      return {
        id: sink.id,
        name: sink.name,
        kind: sink.kind,
        endpoint: sink.endpoint,
        allowPrivate: sink.allowPrivate,
        cursor: sink.cursor.toString(),
        head: lag.head.toString(),
        lagEvents: lag.events,
        lagSeconds: lag.seconds,
        lagAlertEvents: sink.lagAlertEvents,
        lagAlertSeconds: sink.lagAlertSeconds,
        lagging: sink.laggingSince !== null,
        deliveredAt: sink.deliveredAt?.toISOString() ?? null,
        failures: sink.failures,
        lastError: sink.lastError,
        lastErrorAt: sink.lastErrorAt?.toISOString() ?? null,
        nextAttemptAt: sink.nextAttemptAt?.toISOString() ?? null,
        leaseOwner: leased ? sink.leaseOwner : null,
        hasSecrets: sink.secretSealed !== null,
      };
    }),
  );
}
