"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { addTrustedIdpAction } from "@/lib/actions/idps/add-trusted-idp";
import { removeTrustedIdpAction } from "@/lib/actions/idps/remove-trusted-idp";

export interface TrustedIdpRow {
  id: string;
  name: string;
  issuer: string;
  jwksUri: string;
  subjectMapping: string;
  allowedEmailDomains: string[];
  linkedAccounts: number;
}

/** The trusted enterprise IdPs, each removable by an editor. */
export function TrustedIdpTable({ idps, canWrite }: { idps: TrustedIdpRow[]; canWrite: boolean }) {
  if (idps.length === 0) return <p className="text-sm text-slate-500" data-testid="trusted-idps-empty">No identity provider is trusted: ID-JAGs are refused.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[640px] text-left text-sm" data-testid="trusted-idps">
        <caption className="sr-only">Trusted enterprise identity providers</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Name</th>
            <th scope="col" className="py-2 pr-4 font-medium">Issuer</th>
            <th scope="col" className="py-2 pr-4 font-medium">Subjects</th>
            {canWrite ? <th scope="col" className="py-2 pr-4 font-medium"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {idps.map((idp) => (
            <tr key={idp.id} data-issuer={idp.issuer}>
              <td className="py-2 pr-4">{idp.name}</td>
              <td className="py-2 pr-4">
                <code className="break-all text-xs">{idp.issuer}</code>
                <div className="text-xs text-slate-500">keys: <code className="break-all">{idp.jwksUri}</code></div>
              </td>
              <td className="py-2 pr-4 text-xs">
                {idp.subjectMapping === "email" ? `email at ${idp.allowedEmailDomains.join(", ")}` : `linked accounts (${idp.linkedAccounts})`}
              </td>
              {canWrite ? (
                <td className="py-2 pr-4 text-right">
                  <ActionForm action={removeTrustedIdpAction} aria-label={`Stop trusting ${idp.name}`} confirm={`Refuse ID-JAGs from ${idp.name} from now on?`}>
                    {(pending) => (
                      <>
                        <input type="hidden" name="id" value={idp.id} />
                        <Button type="submit" variant="secondary" disabled={pending}>{pending ? "Removing…" : "Remove"}</Button>
                      </>
                    )}
                  </ActionForm>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Trusting a new IdP: issuer, where its keys are, and how its subjects become local people. */
export function AddTrustedIdpForm() {
  return (
    <ActionForm action={addTrustedIdpAction} aria-label="Trust an identity provider" className="mt-4 space-y-4">
      {(pending) => (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name"><Input name="name" required placeholder="Acme Okta" /></Field>
          <Field label="Issuer" hint="Exactly the iss its ID-JAGs carry."><Input name="issuer" required type="url" placeholder="https://acme.okta.com" /></Field>
          <Field label="JWKS URL" hint="Fetched over https only, never from a private address; cached."><Input name="jwksUri" required type="url" placeholder="https://acme.okta.com/oauth2/v1/keys" /></Field>
          <Field label="Subject mapping" hint="Linked: an admin links each subject (idps link). Email: the assertion's email at an allowed domain.">
            <Select name="subjectMapping" defaultValue="linked">
              <option value="linked">Linked accounts</option>
              <option value="email">Email, by allowed domain</option>
            </Select>
          </Field>
          <Field label="Allowed email domains" hint="For email mapping: comma- or space-separated."><Input name="allowedEmailDomains" placeholder="acme.com" /></Field>
          <div className="flex items-end">
            <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Trust identity provider"}</Button>
          </div>
        </div>
      )}
    </ActionForm>
  );
}
