import type { ReviewReport } from "@/lib/reviews/build-review-report";

function duration(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** The report in the console: outcome counts, decisions and median time to decide by reviewer, what was narrowed or revoked. */
export function ReviewReportSummary({ report }: { report: ReviewReport }) {
  const { summary } = report;
  const changed = report.items.filter((i) => i.decision === "downscope" || i.decision === "revoke");
  return (
    <div className="space-y-3 text-sm" data-testid="review-report">
      <p>
        {summary.items} item(s): <strong>{summary.kept}</strong> kept, <strong>{summary.downscoped}</strong> downscoped, <strong>{summary.revoked}</strong> revoked, <strong>{summary.undecided}</strong> undecided.
      </p>
      {summary.byReviewer.length ? (
        <table className="text-xs">
          <thead className="text-slate-500"><tr><th className="pr-6 text-left">Reviewer</th><th className="pr-6">Decisions</th><th>Median time to decide</th></tr></thead>
          <tbody>{summary.byReviewer.map((r) => <tr key={r.reviewer}><td className="pr-6">{r.reviewer}</td><td className="pr-6 text-center">{r.decisions}</td><td className="text-center">{duration(r.medianSecondsToDecide)}</td></tr>)}</tbody>
        </table>
      ) : null}
      {changed.length ? (
        <ul className="space-y-1 text-xs">
          {changed.map((i) => (
            <li key={i.itemId}>
              {i.decision === "revoke" ? "Revoked" : "Narrowed"} {i.user} via {i.client}: <code>{i.scopesBefore.join(" ")}</code> → <code>{i.scopesAfter.join(" ") || "nothing"}</code>{i.byDefault ? " (campaign default)" : ` by ${i.decidedBy}`}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
