"use client";

import { startTransition, useActionState } from "react";
import { PreviewedActionForm } from "@/components/impact/previewed-action-form";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { clearToolConditionAction } from "@/lib/actions/conditions/clear-tool-condition";
import { setToolConditionAction } from "@/lib/actions/conditions/set-tool-condition";
import { tryToolConditionAction } from "@/lib/actions/conditions/try-tool-condition";
import type { ActionResult } from "@/lib/console/action-result";
import type { ConditionTrial } from "@/lib/conditions/try-tool-condition";

const TEXTAREA =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-100";

/** The condition on one role's use of one tool: edit and save it, or remove it. */
export function ConditionForm({ role, tool, expression, canWrite }: { role: string; tool: string; expression: string; canWrite: boolean }) {
  return (
    <div className="space-y-4">
      <PreviewedActionForm
        action={setToolConditionAction}
        impact={(form) => ({ kind: "condition_set", role, tool, expression: String(form.get("expression") ?? "") })}
        aria-label="Condition"
        className="space-y-3"
      >
        {(pending) => (
          <>
            <input type="hidden" name="role" value={role} />
            <input type="hidden" name="tool" value={tool} />
            <Field label="CEL condition" hint='Over args, user (id, email, roles), client (id, name, source), tool (name, server) and now. Example: args.repo.startsWith("acme/support-")'>
              <textarea name="expression" defaultValue={expression} rows={4} maxLength={2100} className={TEXTAREA} readOnly={!canWrite} spellCheck={false} />
            </Field>
            {canWrite ? <Button type="submit" disabled={pending}>{pending ? "Checking…" : "Save condition"}</Button> : null}
          </>
        )}
      </PreviewedActionForm>
      {canWrite && expression ? (
        <PreviewedActionForm action={clearToolConditionAction} impact={() => ({ kind: "condition_clear", role, tool })} aria-label="Remove condition">
          <input type="hidden" name="role" value={role} />
          <input type="hidden" name="tool" value={tool} />
          <Button type="submit" variant="secondary">Remove condition</Button>
        </PreviewedActionForm>
      ) : null}
    </div>
  );
}

/** "Try it": evaluates a condition, unsaved, over example arguments and the tool's last 50 recorded calls. */
export function ConditionTrialForm({ tool, expression, example }: { tool: string; expression: string; example: string }) {
  const [state, dispatch, pending] = useActionState<ActionResult<ConditionTrial> | null, FormData>(tryToolConditionAction, null);
  return (
    <form
      aria-label="Try a condition"
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => dispatch(data));
      }}
    >
      <input type="hidden" name="tool" value={tool} />
      <Field label="Condition to try">
        <textarea name="expression" defaultValue={expression} rows={3} maxLength={2100} className={TEXTAREA} spellCheck={false} />
      </Field>
      <Field label="Example arguments (JSON)">
        <textarea name="exampleArgs" defaultValue={example} rows={3} className={TEXTAREA} spellCheck={false} />
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Evaluating…" : "Try it"}</Button>
      <TrialResult state={state} />
    </form>
  );
}

function TrialResult({ state }: { state: ActionResult<ConditionTrial> | null }) {
  if (!state) return null;
  if (!state.ok) return <Notice tone="error">{state.error}</Notice>;
  const trial = state.data!;
  if (!trial.ok) {
    return <Notice tone="error">Refused at line {trial.error.line}, column {trial.error.column}: {trial.error.message}</Notice>;
  }
  const { example, recorded } = trial;
  return (
    <div className="space-y-3" data-testid="condition-trial">
      {example ? (
        <Notice tone={example.result === true ? "success" : "warning"}>
          Example arguments: {example.result === true ? "would be allowed" : example.result === false ? "would be denied (false)" : `would be denied (${example.error})`}
        </Notice>
      ) : null}
      <p className="text-sm text-slate-700" data-testid="condition-trial-counts">
        Last {recorded.calls.length} recorded calls: <strong>{recorded.wouldAllow}</strong> would be allowed, <strong>{recorded.wouldDeny}</strong> denied
        {recorded.unknown > 0 ? `, ${recorded.unknown} without recorded arguments` : ""}.
      </p>
      {recorded.calls.length > 0 ? (
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr><th className="py-1">When</th><th>User</th><th>Recorded</th><th>With this condition</th></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {recorded.calls.map((call) => (
              <tr key={call.seq}>
                <td className="py-1 font-mono">{call.at.replace("T", " ").slice(0, 19)}</td>
                <td>{call.user}</td>
                <td>{call.recorded}</td>
                <td>{call.outcome}{call.why && call.outcome !== "allow" ? ` (${call.why})` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
