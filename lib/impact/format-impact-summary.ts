import type { FlipView, ImpactSummary } from "@/lib/impact/preview-policy-change";

/** The preview as plain text lines: what the CLI's `--dry-run` prints (its `--json` prints the summary itself). */
export function formatImpactSummary(summary: ImpactSummary): string[] {
  const lines = [`Impact of: ${summary.description} (dry run: nothing was saved)`];
  if (!summary.changed) return [...lines, "No change: the policy already says this."];
  lines.push(
    `Replayed ${summary.replayed} tools/call decisions of the last ${summary.windowDays} days (${summary.combinations} distinct combinations) in ${summary.tookMs} ms.`,
  );
  const section = (title: string, total: number, groups: number, flips: FlipView[]) => {
    lines.push(`${title}: ${total === 0 ? "none" : `${total} call${total === 1 ? "" : "s"} in ${groups} group${groups === 1 ? "" : "s"}${groups > flips.length ? ` (the ${flips.length} largest below)` : ""}`}`);
    for (const f of flips) {
      lines.push(`  ${f.user.email} via ${f.client.name} → ${f.tool} ×${f.count} (newest: event ${f.example.seq} at ${f.example.at})`);
      lines.push(`    now:   ${f.currentReason}`);
      lines.push(`    after: ${f.proposedReason}`);
    }
  };
  section("Allowed → denied", summary.totals.allowedToDenied, summary.groups.allowedToDenied, summary.flips.allowedToDenied);
  section("Denied → allowed", summary.totals.deniedToAllowed, summary.groups.deniedToAllowed, summary.flips.deniedToAllowed);
  const { argumentsNotRecorded, externalRoles } = summary.undetermined;
  if (argumentsNotRecorded + externalRoles > 0) {
    lines.push(`Not replayable: ${argumentsNotRecorded} calls whose arguments a condition reads were too long to record; ${externalRoles} calls with roles from an external issuer's token.`);
  }
  lines.push(`Live grants affected: ${summary.grantsAffected === 0 ? "none" : summary.grantsAffected}`);
  for (const g of summary.grants) {
    const parts = [
      g.scopesLost.length ? `loses ${g.scopesLost.join(", ")}` : "",
      g.toolsLost.length ? `tools/list loses ${g.toolsLost.join(", ")}` : "",
      g.toolsGained.length ? `tools/list gains ${g.toolsGained.join(", ")}` : "",
    ].filter(Boolean);
    lines.push(`  ${g.user.email} via ${g.client.name}: ${parts.join("; ")}`);
  }
  return lines;
}
