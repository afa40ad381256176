"use client";

import { ScopePicker, type PickableScope } from "@/components/roles/scope-picker";
import { PreviewedActionForm } from "@/components/impact/previewed-action-form";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, RequiredMark, Select } from "@/components/ui/field";
import { approveClientAction } from "@/lib/actions/clients/approve-client";
import { deleteClientAction } from "@/lib/actions/clients/delete-client";
import { reactivateClientAction } from "@/lib/actions/clients/reactivate-client";
import { rejectClientAction } from "@/lib/actions/clients/reject-client";
import { revokeClientGrantsAction } from "@/lib/actions/clients/revoke-client-grants";
import { suspendClientAction } from "@/lib/actions/clients/suspend-client";
import { updateClientScopesAction } from "@/lib/actions/clients/update-client-scopes";

function Reason({ id, label = "Reason", placeholder }: { id: string; label?: string; placeholder?: string }) {
  return (
    <div className="text-sm">
      <label htmlFor={id} className="mb-1 block font-medium text-slate-700">{label}<RequiredMark /></label>
      <Input id={id} name="reason" required maxLength={500} placeholder={placeholder} autoComplete="off" />
      <p className="mt-1 text-xs text-slate-500">Kept in the audit log with your name.</p>
    </div>
  );
}

/** Approval: the scopes it may ever receive, a service identity for client_credentials, and why. */
export function ApproveClientForm({
  clientId,
  scopes,
  allowed,
  requested,
  serviceUsers,
  needsServiceUser,
  currentServiceUser,
}: {
  clientId: string;
  scopes: PickableScope[];
  allowed: string[];
  requested: string[];
  serviceUsers: Array<{ id: string; email: string }>;
  needsServiceUser: boolean;
  currentServiceUser: string | null;
}) {
  const notes = Object.fromEntries(requested.map((s) => [s, "requested"]));
  return (
    <ActionForm action={approveClientAction} aria-label="Approve client" className="space-y-4">
      {(pending) => (
        <>
          <input type="hidden" name="clientId" value={clientId} />
          <ScopePicker scopes={scopes} selected={allowed} notes={notes} legend="Scopes it may receive (its allow-list)" />
          {needsServiceUser ? (
            <Field label="Acts as service identity" hint="A client_credentials client acts as a service identity; its roles bound what the client may do.">
              <Select name="serviceUser" defaultValue={currentServiceUser ?? ""} required>
                <option value="" disabled>Choose a service identity…</option>
                {serviceUsers.map((u) => (
                  <option key={u.id} value={u.id}>{u.email}</option>
                ))}
              </Select>
            </Field>
          ) : null}
          {needsServiceUser && serviceUsers.length === 0 ? (
            <p className="text-sm text-amber-800">No service identity exists yet: create one on the Users page (or `users create --service`) first.</p>
          ) : null}
          <Reason id="approve-reason" placeholder="e.g. known vendor, reviewed redirect URIs" />
          <Button type="submit" disabled={pending}>{pending ? "Approving…" : "Approve"}</Button>
        </>
      )}
    </ActionForm>
  );
}

/** A lifecycle step that needs only a reason: reject, suspend, reactivate. */
export function ClientStatusForm({ clientId, verb }: { clientId: string; verb: "reject" | "suspend" | "reactivate" }) {
  const config = {
    reject: { action: rejectClientAction, label: "Reject", variant: "danger" as const, confirm: "Reject this client? It will never obtain a token." },
    suspend: {
      action: suspendClientAction,
      label: "Suspend",
      variant: "danger" as const,
      confirm: "Suspend this client? Its tokens are refused from the next call; its grants are kept for reactivation.",
    },
    reactivate: { action: reactivateClientAction, label: "Reactivate", variant: "primary" as const, confirm: undefined },
  }[verb];
  const fields = (pending: boolean) => (
    <>
      <input type="hidden" name="clientId" value={clientId} />
      <Reason id={`${verb}-reason`} label={`Reason to ${verb}`} />
      <Button type="submit" variant={config.variant} disabled={pending}>{pending ? "Saving…" : config.label}</Button>
    </>
  );
  // Suspending and reactivating change what live tokens may do: the admin sees the impact first. A pending client has
  // made no calls, so rejecting one has none to show.
  if (verb === "reject") {
    return <ActionForm action={config.action} aria-label={`${config.label} client`} confirm={config.confirm} className="space-y-3">{fields}</ActionForm>;
  }
  return (
    <PreviewedActionForm action={config.action} impact={() => ({ kind: "client_status", clientId, verb })} aria-label={`${config.label} client`} className="space-y-3">
      {fields}
    </PreviewedActionForm>
  );
}

export function ClientScopesForm({ clientId, scopes, allowed, requested }: { clientId: string; scopes: PickableScope[]; allowed: string[]; requested: string[] }) {
  const notes = Object.fromEntries(requested.map((s) => [s, "requested"]));
  return (
    <PreviewedActionForm
      action={updateClientScopesAction}
      impact={(form) => ({ kind: "client_scopes", clientId, scopes: form.getAll("scopes").map(String) })}
      aria-label="Allowed scopes"
      className="space-y-4"
    >
      {(pending) => (
        <>
          <input type="hidden" name="clientId" value={clientId} />
          <ScopePicker scopes={scopes} selected={allowed} notes={notes} legend="Allowed scopes" />
          <div className="max-w-md text-sm">
            <label htmlFor="scopes-reason" className="mb-1 block font-medium text-slate-700">Why (optional)</label>
            <Input id="scopes-reason" name="reason" maxLength={500} autoComplete="off" />
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save allowed scopes"}</Button>
        </>
      )}
    </PreviewedActionForm>
  );
}

/** Revokes every live grant of a client; `liveGrants` (when known) is shown in the button and the confirmation. */
export function RevokeClientGrantsForm({ clientId, liveGrants }: { clientId: string; liveGrants?: number }) {
  const what = liveGrants === undefined ? "every live grant" : `all ${liveGrants} live grant(s)`;
  return (
    <ActionForm
      action={revokeClientGrantsAction}
      aria-label="Revoke all grants of this client"
      confirm={`Revoke ${what} of this client? Every token issued under them is refused from the next call.`}
      className="space-y-3"
    >
      {(pending) => (
        <>
          <input type="hidden" name="clientId" value={clientId} />
          <Reason id="revoke-client-reason" label="Reason to revoke every grant" />
          <Button type="submit" variant="danger" disabled={pending || liveGrants === 0}>
            {pending ? "Revoking…" : liveGrants === undefined ? "Revoke all for this client" : `Revoke all ${liveGrants} grant(s)`}
          </Button>
        </>
      )}
    </ActionForm>
  );
}

export function DeleteClientForm({ clientId, name }: { clientId: string; name: string }) {
  return (
    <ActionForm
      action={deleteClientAction}
      aria-label="Delete client"
      confirm={`Delete ${name} for good? Its grants and tokens go with it and stop working at once. It may register again, as a new pending client.`}
      className="space-y-3"
    >
      {(pending) => (
        <>
          <input type="hidden" name="clientId" value={clientId} />
          <Reason id="delete-reason" label="Reason to delete" />
          <Button type="submit" variant="danger" disabled={pending}>{pending ? "Deleting…" : "Delete client"}</Button>
        </>
      )}
    </ActionForm>
  );
}
