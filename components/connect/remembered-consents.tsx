"use client";

import { withdrawConsentAction } from "@/lib/actions/connect/withdraw-consent";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";

export interface RememberedConsentRow {
  clientId: string;
  clientName: string;
  scopes: string[];
  redirectUri: string | null;
  updatedAt: string;
}

/** The consents that let a client's authorization skip the consent screen, each one withdrawable by its user. */
export function RememberedConsents({ consents }: { consents: RememberedConsentRow[] }) {
  if (consents.length === 0) {
    return <p className="text-sm text-slate-600">No client is remembered: each one has to ask you before it is authorized.</p>;
  }
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full min-w-[680px] text-left text-sm" data-testid="remembered-consents">
        <caption className="sr-only">Your remembered consents</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Client</th>
            <th scope="col" className="py-2 pr-4 font-medium">Scopes</th>
            <th scope="col" className="py-2 pr-4 font-medium">Sends codes to</th>
            <th scope="col" className="py-2 pr-4 font-medium">Given</th>
            <th scope="col" className="py-2 pr-4"><span className="sr-only">Withdraw</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {consents.map((c) => (
            <tr key={c.clientId} className="align-top" data-testid="remembered-consent">
              <td className="py-2 pr-4">
                <span className="font-medium">{c.clientName}</span>
                <div className="max-w-56 truncate font-mono text-xs text-slate-500" title={c.clientId}>{c.clientId}</div>
              </td>
              <td className="py-2 pr-4">
                <div className="flex max-w-64 flex-wrap gap-1">{c.scopes.map((s) => <code key={s} className="rounded bg-slate-100 px-1 text-xs">{s}</code>)}</div>
              </td>
              <td className="max-w-56 break-all py-2 pr-4 font-mono text-xs">{c.redirectUri ?? <span className="text-slate-400">asks again</span>}</td>
              <td className="py-2 pr-4 text-xs"><Time value={c.updatedAt} /></td>
              <td className="py-2 pr-4">
                <ActionForm action={withdrawConsentAction} aria-label={`Withdraw your consent for ${c.clientName}`}>
                  {(pending) => (
                    <>
                      <input type="hidden" name="clientId" value={c.clientId} />
                      <Button type="submit" variant="secondary" className="px-2 py-1 text-xs" disabled={pending} aria-label={`Withdraw your consent for ${c.clientName}`}>
                        {pending ? "Withdrawing…" : "Withdraw"}
                      </Button>
                    </>
                  )}
                </ActionForm>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
