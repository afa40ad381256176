import { appendAudit } from "@/lib/audit/append-audit";
import { db } from "@/lib/db/client";
import type { SinkLag } from "@/lib/sinks/sink-lag";

interface LagBounds {
  id: string;
  name: string;
  lagAlertEvents: number;
  lagAlertSeconds: number;
  laggingSince: Date | null;
}

/**
 * The alert when a sink falls behind its bound, written into the chain once per episode (the conditional update on
 * `laggingSince` makes it once across every instance too), and the recovery once it is back under half the bound —
 * the gap stops a sink hovering at the bound from alerting on every pass.
 */
export async function noteSinkLag(sink: LagBounds, lag: SinkLag, lastError: string | null): Promise<"alerted" | "recovered" | null> {
  const behind = lag.events > sink.lagAlertEvents || lag.seconds > sink.lagAlertSeconds;
  const recovered = lag.events <= sink.lagAlertEvents / 2 && lag.seconds <= sink.lagAlertSeconds / 2;
  const detail = {
    sinkId: sink.id,
    sink: sink.name,
    lagEvents: lag.events,
    lagSeconds: lag.seconds,
    boundEvents: sink.lagAlertEvents,
    boundSeconds: sink.lagAlertSeconds,
    ...(lastError ? { lastError } : {}),
  };
  if (behind && !sink.laggingSince) {
    return db().$transaction(async (tx) => {
      const { count } = await tx.auditSink.updateMany({ where: { id: sink.id, laggingSince: null }, data: { laggingSince: new Date() } });
      if (count === 0) return null;
      await appendAudit(tx, [
        {
          kind: "sink.lagging",
          actor: "system",
          reason: `audit sink ${sink.name} is ${lag.events} event(s) and ${lag.seconds} s behind (bound: ${sink.lagAlertEvents} events or ${sink.lagAlertSeconds} s)${lastError ? `; last error: ${lastError}` : ""}`,
          detail,
        },
      ]);
      return "alerted" as const;
    });
  }
  if (sink.laggingSince && recovered) {
    return db().$transaction(async (tx) => {
      const { count } = await tx.auditSink.updateMany({ where: { id: sink.id, laggingSince: { not: null } }, data: { laggingSince: null } });
      if (count === 0) return null;
      await appendAudit(tx, [
        {
          kind: "sink.recovered",
          actor: "system",
          reason: `audit sink ${sink.name} caught up (${lag.events} event(s) behind; behind since ${sink.laggingSince!.toISOString()})`,
          detail: { ...detail, laggingSince: sink.laggingSince!.toISOString() },
        },
      ]);
      return "recovered" as const;
    });
  }
  return null;
}
