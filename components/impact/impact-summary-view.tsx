import type { FlipView, ImpactSummary } from "@/lib/impact/preview-policy-change";

function FlipTable({ title, total, groups, flips, testId }: { title: string; total: number; groups: number; flips: FlipView[]; testId: string }) {
  return (
    <section aria-label={title} data-testid={testId} className="space-y-2">
      <h4 className="text-sm font-semibold text-slate-900">
        {title}: {total === 0 ? "none" : `${total} call${total === 1 ? "" : "s"} (${groups} group${groups === 1 ? "" : "s"}${groups > flips.length ? `, the ${flips.length} largest shown` : ""})`}
      </h4>
      {flips.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-xs">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-3 font-medium">User</th>
                <th className="py-1 pr-3 font-medium">Client</th>
                <th className="py-1 pr-3 font-medium">Tool</th>
                <th className="py-1 pr-3 font-medium">Calls</th>
                <th className="py-1 pr-3 font-medium">Newest call</th>
                <th className="py-1 font-medium">Reason path after the change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {flips.map((f) => (
                <tr key={`${f.user.id} ${f.client.id} ${f.tool}`} data-testid="impact-flip" data-user={f.user.email} data-tool={f.tool} data-client={f.client.id} data-count={f.count}>
                  <td className="py-1 pr-3">{f.user.email}</td>
                  <td className="py-1 pr-3">{f.client.name}</td>
                  <td className="py-1 pr-3 font-mono">{f.tool}</td>
                  <td className="py-1 pr-3 tabular-nums">{f.count}</td>
                  <td className="py-1 pr-3 whitespace-nowrap">
                    <a className="text-brand-700 hover:underline" href={`/audit?seq=${f.example.seq}`}>#{f.example.seq}</a>{" "}
                    <span className="text-slate-500">{f.example.at.replace("T", " ").slice(0, 19)}</span>
                  </td>
                  <td className="py-1 font-mono text-[11px] text-slate-700" title={`now: ${f.currentReason}`}>{f.proposedReason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** What a previewed change would do: flipped calls by user, client and tool, and the live grants it touches. */
export function ImpactSummaryView({ summary }: { summary: ImpactSummary }) {
  const { argumentsNotRecorded, externalRoles } = summary.undetermined;
  return (
    <div className="space-y-4" data-testid="impact-summary">
      <p className="text-sm text-slate-700">
        <span className="font-medium">Impact of:</span> {summary.description}
      </p>
      {!summary.changed ? (
        <p className="text-sm text-slate-600">No change: the policy already says this.</p>
      ) : (
        <>
          <p className="text-xs text-slate-500" data-testid="impact-replayed">
            Replayed {summary.replayed.toLocaleString("en")} tools/call decisions of the last {summary.windowDays} days ({summary.combinations.toLocaleString("en")} distinct
            combinations) in {summary.tookMs} ms.
          </p>
          <FlipTable title="Allowed → denied" total={summary.totals.allowedToDenied} groups={summary.groups.allowedToDenied} flips={summary.flips.allowedToDenied} testId="impact-allowed-to-denied" />
          <FlipTable title="Denied → allowed" total={summary.totals.deniedToAllowed} groups={summary.groups.deniedToAllowed} flips={summary.flips.deniedToAllowed} testId="impact-denied-to-allowed" />
          {argumentsNotRecorded + externalRoles > 0 ? (
            <p className="text-xs text-amber-800">
              Not replayable: {argumentsNotRecorded} call(s) whose arguments a condition reads were too long to record; {externalRoles} call(s) whose roles came from an
              external issuer&apos;s token.
            </p>
          ) : null}
          <section aria-label="Live grants affected" data-testid="impact-grants" className="space-y-1">
            <h4 className="text-sm font-semibold text-slate-900">Live grants affected: {summary.grantsAffected === 0 ? "none" : summary.grantsAffected}</h4>
            <ul className="space-y-1 text-xs">
              {summary.grants.map((g) => (
                <li key={g.grantId} data-testid="impact-grant" data-user={g.user.email}>
                  {g.user.email} via {g.client.name}:{" "}
                  {[
                    g.scopesLost.length ? `loses ${g.scopesLost.join(", ")}` : "",
                    g.toolsLost.length ? `tools/list loses ${g.toolsLost.join(", ")}` : "",
                    g.toolsGained.length ? `tools/list gains ${g.toolsGained.join(", ")}` : "",
                  ]
                    .filter(Boolean)
                    .join("; ")}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}
