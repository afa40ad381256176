"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { clearApprovalWebhookAction, setApprovalWebhookAction } from "@/lib/actions/approvals/approval-webhook";
import type { ApprovalNotificationsView } from "@/lib/approvals/load-approval-notifications";

/** The webhook told of new requests (write-only URL) and how its latest notifications went, failures included. */
export function ApprovalWebhookSettings({ view, canEdit }: { view: ApprovalNotificationsView; canEdit: boolean }) {
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700" data-testid="approval-webhook">
        {view.webhook ? (
          <>
            Notifying <code>{view.webhook.display}</code>
            {view.webhook.allowPrivate ? " (private addresses allowed)" : ""}. The full URL is sealed and not shown again.
          </>
        ) : (
          "No webhook is notified of new requests."
        )}
      </p>
      {canEdit ? (
        <div className="flex flex-wrap items-end gap-4">
          <ActionForm action={setApprovalWebhookAction} aria-label="Approvals webhook" resetOnSuccess className="flex flex-wrap items-end gap-3">
            {(pending) => (
              <>
                <Field label="Webhook URL" hint="A Slack or Teams incoming webhook, or any receiver of JSON; https outside localhost">
                  <Input name="url" type="password" required autoComplete="off" maxLength={2000} className="min-w-80" />
                </Field>
                <label className="flex items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" name="allowPrivate" /> Allow a private address
                </label>
                <Button type="submit" disabled={pending}>Save webhook</Button>
              </>
            )}
          </ActionForm>
          {view.webhook ? (
            <ActionForm action={clearApprovalWebhookAction} aria-label="Remove approvals webhook" confirm="Stop notifying the webhook of new approval requests?">
              <Button type="submit" variant="secondary">Remove webhook</Button>
            </ActionForm>
          ) : null}
        </div>
      ) : null}
      {view.recent.length > 0 ? (
        <ul className="space-y-1 text-sm" data-testid="approval-notifications">
          {view.recent.map((n) => (
            <li key={n.id} className="flex flex-wrap items-center gap-2" data-notification={n.requestId}>
              <Badge tone={n.status === "sent" ? "brand" : n.status === "failed" ? "red" : "neutral"}>{n.status}</Badge>
              <code className="text-xs">{n.tool}</code>
              <span className="text-xs text-slate-500">request {n.requestId} · {n.attempts} attempt{n.attempts === 1 ? "" : "s"}</span>
              {n.lastError ? <span className="text-xs text-red-700">{n.lastError}</span> : null}
              {n.status === "pending" && n.attempts > 0 ? <span className="text-xs text-slate-500">next try {n.nextAttemptAt.toISOString()}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
