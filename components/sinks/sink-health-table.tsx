import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { SinkControls } from "@/components/sinks/sink-controls";
import type { SinkHealth } from "@/lib/sinks/list-sink-health";

function status(sink: SinkHealth): { tone: "green" | "amber" | "red"; label: string } {
  if (sink.lagging) return { tone: "red", label: "behind (alerted)" };
  if (sink.failures > 0) return { tone: "amber", label: `retrying (${sink.failures} failure${sink.failures === 1 ? "" : "s"})` };
  return { tone: "green", label: sink.lagEvents === 0 ? "up to date" : "delivering" };
}

/** Delivery health per sink: cursor against the head, lag in events and seconds, the last error and the next retry. */
export function SinkHealthTable({ sinks, canEdit = false }: { sinks: SinkHealth[]; canEdit?: boolean }) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left text-sm" data-testid="sink-health">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
          <tr>
            <th className="py-2 pr-4">Sink</th>
            <th className="py-2 pr-4">Status</th>
            <th className="py-2 pr-4">Delivered / head</th>
            <th className="py-2 pr-4">Lag</th>
            <th className="py-2 pr-4">Last delivery</th>
            <th className="py-2 pr-4">Last error</th>
            {canEdit ? <th className="py-2 pr-4"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sinks.map((sink) => {
            const s = status(sink);
            return (
              <tr key={sink.id} data-sink={sink.name} className="align-top">
                <td className="py-2 pr-4">
                  <div className="font-medium text-slate-900">{sink.name}</div>
                  <div className="text-xs text-slate-500">
                    {sink.kind} · <code className="break-all">{sink.endpoint}</code>
                    {sink.allowPrivate ? " · private addresses allowed" : ""}
                    {sink.hasSecrets ? " · secrets sealed" : ""}
                  </div>
                </td>
                <td className="py-2 pr-4"><Badge tone={s.tone}>{s.label}</Badge></td>
                <td className="py-2 pr-4 tabular-nums">{sink.cursor} / {sink.head}</td>
                <td className="py-2 pr-4 tabular-nums" data-testid="sink-lag">
                  {sink.lagEvents} event{sink.lagEvents === 1 ? "" : "s"}, {sink.lagSeconds} s
                  <div className="text-xs text-slate-500">alert beyond {sink.lagAlertEvents} events or {sink.lagAlertSeconds} s</div>
                </td>
                <td className="py-2 pr-4"><Time value={sink.deliveredAt} seconds /></td>
                <td className="py-2 pr-4 text-xs">
                  {sink.lastError ? (
                    <>
                      <div className="break-words text-slate-900" data-testid="sink-error">{sink.lastError}</div>
                      <div className="text-slate-500"><Time value={sink.lastErrorAt} seconds />{sink.nextAttemptAt && sink.failures > 0 ? <> · next try <Time value={sink.nextAttemptAt} seconds /></> : null}</div>
                    </>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                </td>
                {canEdit ? (
                  <td className="py-2 pr-4">
                    <SinkControls name={sink.name} />
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
