"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { liftRevocationAction } from "@/lib/actions/workos/lift-revocation";
import { revokeAuthkitAction } from "@/lib/actions/workos/revoke-authkit";

export function RevokeAuthkitForm() {
  return (
    <ActionForm action={revokeAuthkitAction} resetOnSuccess aria-label="Revoke AuthKit access" confirm="Revoke? Matching tokens are refused from the next call on." className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Revoke">
              <Select name="kind" defaultValue="token">
                <option value="token">one token (jti)</option>
                <option value="client">every token of a client</option>
                <option value="user">every token of a user</option>
              </Select>
            </Field>
            <Field label="Token jti, client id or user" hint="A user: WorkOS user id, local id or email.">
              <Input name="value" required maxLength={255} />
            </Field>
            <Field label="Reason">
              <Input name="reason" maxLength={500} />
            </Field>
          </div>
          <Button type="submit" variant="danger" disabled={pending}>{pending ? "Revoking…" : "Revoke"}</Button>
        </>
      )}
    </ActionForm>
  );
}

export function LiftRevocationButton({ id, label }: { id: string; label: string }) {
  return (
    <ActionForm action={liftRevocationAction} confirm={`Lift the revocation of ${label}? Its tokens are accepted again.`}>
      <input type="hidden" name="id" value={id} />
      <Button variant="ghost" type="submit" aria-label={`Lift revocation of ${label}`} className="px-1.5 py-0.5 text-xs">
        Lift
      </Button>
    </ActionForm>
  );
}
