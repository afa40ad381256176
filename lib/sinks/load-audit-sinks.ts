import { listSinkHealth, type SinkHealth } from "@/lib/sinks/list-sink-health";

/** The audit sinks page: every sink with its delivery health, lagging ones first. */
export async function loadAuditSinks(): Promise<SinkHealth[]> {
  const sinks = await listSinkHealth();
  return sinks.sort((a, b) => Number(b.lagging) - Number(a.lagging) || Number(b.failures > 0) - Number(a.failures > 0) || a.name.localeCompare(b.name));
}
