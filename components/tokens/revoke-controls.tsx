"use client";

import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Input, RequiredMark } from "@/components/ui/field";
import { revokeAccessTokenAction } from "@/lib/actions/tokens/revoke-access-token";
import { revokeGrantAction } from "@/lib/actions/tokens/revoke-grant";
import { revokeUserGrantsAction } from "@/lib/actions/tokens/revoke-user-grants";

/** Revokes one grant with every token under it, after a confirmation. */
export function RevokeGrantButton({ grantId, clientName, userEmail }: { grantId: string; clientName: string; userEmail: string }) {
  return (
    <ActionForm
      action={revokeGrantAction}
      aria-label={`Revoke grant of ${userEmail} for ${clientName}`}
      confirm={`Revoke ${userEmail}'s grant for ${clientName}? Every token issued under it is refused from the next call.`}
    >
      {(pending) => (
        <>
          <input type="hidden" name="grantId" value={grantId} />
          <Button type="submit" variant="danger" className="px-2 py-1 text-xs" disabled={pending} aria-label={`Revoke grant of ${userEmail} for ${clientName}`}>
            {pending ? "Revoking…" : "Revoke"}
          </Button>
        </>
      )}
    </ActionForm>
  );
}

/** Revokes a single access token; its grant (and the grant's other tokens) live on. */
export function RevokeTokenButton({ jti }: { jti: string }) {
  return (
    <ActionForm action={revokeAccessTokenAction} aria-label={`Revoke access token ${jti}`} confirm="Revoke this access token? Its grant and other tokens stay valid.">
      {(pending) => (
        <>
          <input type="hidden" name="jti" value={jti} />
          <Button type="submit" variant="secondary" className="px-2 py-1 text-xs" disabled={pending} aria-label={`Revoke access token ${jti}`}>
            {pending ? "Revoking…" : "Revoke token"}
          </Button>
        </>
      )}
    </ActionForm>
  );
}

/** Revokes every live grant a user holds, with a reason, after a confirmation. */
export function RevokeUserGrantsForm({ userId, email, liveGrants }: { userId: string; email: string; liveGrants?: number }) {
  const what = liveGrants === undefined ? "every live grant" : `all ${liveGrants} live grant(s)`;
  return (
    <ActionForm
      action={revokeUserGrantsAction}
      aria-label={`Revoke all grants of ${email}`}
      confirm={`Revoke ${what} of ${email}? Every MCP client they authorized loses access on its next call.`}
      className="flex flex-wrap items-end gap-2"
    >
      {(pending) => (
        <>
          <input type="hidden" name="userId" value={userId} />
          <div className="min-w-56 flex-1 text-sm">
            <label htmlFor={`revoke-user-${userId}`} className="mb-1 block font-medium text-slate-700">Reason to revoke all of {email}&apos;s grants<RequiredMark /></label>
            <Input id={`revoke-user-${userId}`} name="reason" required maxLength={500} autoComplete="off" />
          </div>
          <Button type="submit" variant="danger" disabled={pending}>{pending ? "Revoking…" : "Revoke all for this user"}</Button>
        </>
      )}
    </ActionForm>
  );
}
