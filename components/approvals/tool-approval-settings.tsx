"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { clearToolApprovalAction, setToolApprovalAction } from "@/lib/actions/approvals/tool-approval-settings";
import type { ToolApprovalView } from "@/lib/approvals/list-tool-approvals";

/** Which tools need a second person: approver roles, expiry, and the argument fields approvers never see. */
export function ToolApprovalSettings({ approvals, tools, roles, canEdit }: { approvals: ToolApprovalView[]; tools: string[]; roles: string[]; canEdit: boolean }) {
  return (
    <div className="space-y-4">
      {approvals.length === 0 ? (
        <p className="text-sm text-slate-500">No tool needs approval.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="tool-approvals">
          {approvals.map((a) => (
            <li key={a.tool} className="flex flex-wrap items-center gap-3 py-2" data-tool={a.tool}>
              <code className="font-medium">{a.tool}</code>
              <span className="text-slate-600">approved by {a.approverRoles.join(" or ")}</span>
              <span className="text-xs text-slate-500">expires after {a.expiresInSeconds} s</span>
              <span className="text-xs text-slate-500">{a.maskedFields.length ? `masked: ${a.maskedFields.join(", ")}` : "nothing masked beyond secret-looking fields"}</span>
              {canEdit ? (
                <ActionForm action={clearToolApprovalAction} aria-label={`Stop requiring approval for ${a.tool}`} confirm={`Let calls to ${a.tool} run without approval?`}>
                  <input type="hidden" name="tool" value={a.tool} />
                  <Button type="submit" variant="secondary">Stop requiring approval</Button>
                </ActionForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canEdit ? (
        <ActionForm action={setToolApprovalAction} aria-label="Tool approval settings" className="grid gap-3 sm:grid-cols-2">
          {(pending) => (
            <>
              <Field label="Tool">
                <Select name="tool" required defaultValue="">
                  <option value="" disabled>Choose a tool</option>
                  {tools.map((t) => (
                    <option key={t} value={t}>{t}</option>
                  ))}
                </Select>
              </Field>
              <Field label="Approver roles" hint={`Comma-separated, e.g. ${roles.slice(0, 2).join(", ")}`}>
                <Input name="approvers" required placeholder="access_reviewer" />
              </Field>
              <Field label="Expiry (seconds)" hint="60 to 604800; default 900">
                <Input name="expires" inputMode="numeric" defaultValue="900" />
              </Field>
              <Field label="Masked fields" hint="Argument fields approvers never see, comma-separated; dot paths reach inside objects (auth.token)">
                <Input name="masked" placeholder="api_key, auth.token" />
              </Field>
              <div>
                <Button type="submit" disabled={pending}>Save approval settings</Button>
              </div>
            </>
          )}
        </ActionForm>
      ) : null}
    </div>
  );
}
