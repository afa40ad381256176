"use client";

import { ActionForm } from "@/components/ui/action-form";
import { GrantStatusBadge } from "@/components/tokens/grant-status-badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import { revokeOwnGrantAction } from "@/lib/actions/connect/revoke-own-grant";

export interface OwnGrant {
  id: string;
  clientName: string;
  clientId: string;
  scopes: string[];
  status: "active" | "revoked" | "expired";
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** The signed-in user's own grants — what they let MCP clients do — each revocable by them. */
export function OwnGrants({ grants, canRevoke }: { grants: OwnGrant[]; canRevoke: boolean }) {
  if (grants.length === 0) {
    return <p className="text-sm text-slate-600">You have not authorized any MCP client yet. Once you connect one and consent, it appears here.</p>;
  }
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full min-w-[680px] text-left text-sm" data-testid="own-grants">
        <caption className="sr-only">Your grants</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Client</th>
            <th scope="col" className="py-2 pr-4 font-medium">Scopes</th>
            <th scope="col" className="py-2 pr-4 font-medium">Granted</th>
            <th scope="col" className="py-2 pr-4 font-medium">Last used</th>
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
            {canRevoke ? <th scope="col" className="py-2 pr-4"><span className="sr-only">Revoke</span></th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {grants.map((g) => (
            <tr key={g.id} className="align-top" data-testid={`own-grant-${g.id}`}>
              <td className="py-2 pr-4">
                <span className="font-medium">{g.clientName}</span>
                <div className="max-w-56 truncate font-mono text-xs text-slate-500" title={g.clientId}>{g.clientId}</div>
              </td>
              <td className="py-2 pr-4">
                <div className="flex max-w-64 flex-wrap gap-1">{g.scopes.map((s) => <code key={s} className="rounded bg-slate-100 px-1 text-xs">{s}</code>)}</div>
              </td>
              <td className="py-2 pr-4 text-xs"><Time value={g.createdAt} /></td>
              <td className="py-2 pr-4 text-xs"><Time value={g.lastUsedAt} /></td>
              <td className="py-2 pr-4">
                <GrantStatusBadge status={g.status} />
              </td>
              {canRevoke ? (
                <td className="py-2 pr-4">
                  {g.status === "revoked" ? null : (
                    <ActionForm
                      action={revokeOwnGrantAction}
                      aria-label={`Revoke your grant for ${g.clientName}`}
                      confirm={`Revoke ${g.clientName}'s access to your account? It must ask you again to get back in.`}
                    >
                      {(pending) => (
                        <>
                          <input type="hidden" name="grantId" value={g.id} />
                          <Button type="submit" variant="danger" className="px-2 py-1 text-xs" disabled={pending} aria-label={`Revoke your grant for ${g.clientName}`}>
                            {pending ? "Revoking…" : "Revoke"}
                          </Button>
                        </>
                      )}
                    </ActionForm>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
