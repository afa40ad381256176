import { ApprovalDecision } from "@/components/approvals/approval-decision";
import { ApprovalWebhookSettings } from "@/components/approvals/approval-webhook-settings";
import { ToolApprovalSettings } from "@/components/approvals/tool-approval-settings";
import { Forbidden } from "@/components/console/forbidden";
import { ReasonPath } from "@/components/console/reason-path";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { listToolApprovals } from "@/lib/approvals/list-tool-approvals";
import { loadApprovalNotifications } from "@/lib/approvals/load-approval-notifications";
import { loadApprovalQueue } from "@/lib/approvals/load-approval-queue";
import { consoleUser } from "@/lib/auth/console-user";

export const dynamic = "force-dynamic";
export const metadata = { title: "Approvals" };

function age(from: Date): string {
  const minutes = Math.max(0, Math.round((Date.now() - from.getTime()) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

export default async function ApprovalsPage() {
  const me = await consoleUser();
  if (!me.scopes.has("policy:read")) return <Forbidden message="You need the policy:read scope to see the approvals queue." />;
  const [{ pending, recent }, settings, notifications] = await Promise.all([loadApprovalQueue(), listToolApprovals(), loadApprovalNotifications()]);
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Calls to approval-required tools, held until a second person approves them. An approval covers exactly the call shown — same caller, client, tool and arguments — once, before it expires; nobody approves their own call."
      />
      <Card title={`Waiting (${pending.length})`}>
        {pending.length === 0 ? (
          <p className="text-sm text-slate-500">No calls are waiting for approval.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="approvals-pending">
            {pending.map((a) => (
              <li key={a.id} id={`request-${a.id}`} className="space-y-2 py-4" data-request={a.id}>
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <code className="font-medium">{a.tool}</code>
                  <span className="text-slate-600">called by {a.caller} through {a.client}</span>
                  <span className="text-xs text-slate-500">{age(a.requestedAt)} ago · expires {a.expiresAt.toISOString()}</span>
                </div>
                <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 text-xs" data-testid="approval-args">{a.args}</pre>
                {a.maskedFields.length > 0 ? <p className="text-xs text-slate-500">Masked by the tool&apos;s settings: {a.maskedFields.join(", ")}</p> : null}
                <ReasonPath text={a.reasonPath} />
                <p className="font-mono text-xs text-slate-400">request {a.id}</p>
                <ApprovalDecision id={a.id} tool={a.tool} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Recently decided" className="mt-6">
        {recent.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing decided yet.</p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="approvals-decided">
            {recent.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center gap-2">
                <Badge tone={a.status === "approved" || a.status === "used" ? "brand" : "red"}>{a.status}</Badge>
                <code>{a.tool}</code> <span className="text-slate-600">{a.caller}</span>
                <span className="text-xs text-slate-500">{a.decidedBy ? `by ${a.decidedBy}` : ""}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Tools that need approval" className="mt-6">
        <ToolApprovalSettings approvals={settings.approvals} tools={settings.tools} roles={settings.roles} canEdit={me.scopes.has("policy:write")} />
      </Card>
      <Card title="Notify a webhook of new requests" className="mt-6">
        <ApprovalWebhookSettings view={notifications} canEdit={me.scopes.has("settings:write")} />
      </Card>
    </>
  );
}
