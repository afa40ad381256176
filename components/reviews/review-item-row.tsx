"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import { decideReviewAction } from "@/lib/actions/reviews/decide-review";
import type { ReviewItemView } from "@/lib/reviews/load-review-campaign";

const TONE = { keep: "green", downscope: "amber", revoke: "red" } as const;

/** One grant under review: the evidence, and (open campaign, not the reviewer's own grant) the three decisions. */
export function ReviewItemRow({ campaignId, item, canDecide }: { campaignId: string; item: ReviewItemView; canDecide: boolean }) {
  const e = item.evidence;
  return (
    <li className="rounded-md border border-slate-200 p-4" data-item={item.id} data-user={item.user.email}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <div className="font-medium text-slate-900">{item.user.email} <span className="text-slate-400">via</span> {item.client.name}</div>
          <div className="mt-1 flex flex-wrap gap-1">{item.scopes.map((s) => <code key={s} className={`rounded px-1 text-xs ${e.unusedScopes.includes(s) ? "bg-amber-50 text-amber-800 line-through" : "bg-slate-100"}`}>{s}</code>)}</div>
          <div className="mt-1 text-xs text-slate-500">Last used <Time value={e.lastUsedAt} /> · granted <Time value={e.grantedAt} /> · roles {e.roles.join(", ") || "none"}</div>
        </div>
        {item.decision ? (
          <div className="text-right text-xs" data-testid="decision">
            <Badge tone={TONE[item.decision as keyof typeof TONE]}>{item.decision}{item.decision === "downscope" ? ` → ${item.decidedScopes.join(" ")}` : ""}</Badge>
            <div className="mt-1 text-slate-500">by {item.decidedBy} · <Time value={item.decidedAt} /></div>
            {item.note ? <div className="text-slate-500">{item.note}</div> : null}
          </div>
        ) : canDecide ? (
          <ActionForm action={decideReviewAction} aria-label={`Decide ${item.user.email} via ${item.client.name}`} className="flex flex-wrap items-center gap-2">
            {(pending) => (
              <>
                <input type="hidden" name="campaignId" value={campaignId} />
                <input type="hidden" name="itemId" value={item.id} />
                <Button type="submit" name="decision" value="keep" variant="secondary" disabled={pending}>Keep</Button>
                <Button type="submit" name="decision" value="downscope" variant="secondary" disabled={pending || e.suggestedScopes.length === 0 || e.unusedScopes.length === 0} title={`Keep only ${e.suggestedScopes.join(" ")}`}>
                  Downscope to {e.suggestedScopes.join(" ") || "…"}
                </Button>
                <Button type="submit" name="decision" value="revoke" variant="danger" disabled={pending}>Revoke</Button>
              </>
            )}
          </ActionForm>
        ) : (
          <Badge>undecided</Badge>
        )}
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-600">Evidence: {e.tools.length} tool(s) used in 90 days; suggested <strong>{e.suggestion}</strong>{e.unusedScopes.length ? ` (unused: ${e.unusedScopes.join(", ")})` : ""}</summary>
        <table className="mt-2 text-xs">
          <thead className="text-slate-500"><tr><th className="pr-4 text-left">Tool</th><th className="pr-4">Scope</th><th className="pr-4">Calls 30 d / 90 d</th><th className="pr-4">Denials 30 d / 90 d</th><th className="text-left">Last call</th></tr></thead>
          <tbody>
            {e.tools.map((t) => (
              <tr key={t.tool}><td className="pr-4">{t.tool}</td><td className="pr-4"><code>{t.requiredScope ?? "?"}</code></td><td className="pr-4 text-center tabular-nums">{t.calls30} / {t.calls90}</td><td className="pr-4 text-center tabular-nums">{t.denials30} / {t.denials90}</td><td><Time value={t.lastCallAt} /></td></tr>
            ))}
          </tbody>
        </table>
        <ul className="mt-2 space-y-1 text-xs">{e.reasonPaths.map((r) => <li key={r.scope}><code>{r.scope}</code>: {r.path ?? <span className="text-red-700">no longer held by the user&apos;s roles</span>}</li>)}</ul>
        <ul className="mt-2 space-y-1 text-xs text-slate-600">{e.clientHistory.map((h, i) => <li key={i}><Time value={h.at} /> {h.kind} by {h.actor ?? "?"}{h.reason ? `: ${h.reason}` : ""}</li>)}</ul>
      </details>
    </li>
  );
}
