import { appendAudit, type AuditContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db/client";
import { createGrant, type NewGrant } from "@/lib/issuance/create-grant";
import type { PreparedTokens } from "@/lib/issuance/prepare-tokens";
import { recordTokens, type IssuedTokens } from "@/lib/issuance/record-tokens";
import { tokenAuditEvent, type TokenEventFacts } from "@/lib/issuance/token-audit-event";

/** Another exchange spent the one-time credential between the grant's checks and this transaction. */
class CredentialSpentMeanwhile extends Error {}

/**
 * The issuance tail the interactive grants share (authorization code, device code, refresh token), in one transaction:
 * consume the one-time credential, create or touch the grant, record the prepared tokens, append their audit event.
 * The credential is consumed before anything is issued, by a conditional update that lets exactly one concurrent
 * exchange win; the loser gets what `spentMeanwhile` answers (reuse handling), and nothing of it is written.
 */
export async function consumeAndIssue(input: {
  /** Marks the credential spent; false when it no longer could be (another exchange got there first). */
  consume(tx: Tx): Promise<boolean>;
  /** The grant the tokens belong to: a new one, or an existing one whose "last used" is set now. */
  grant: { create: NewGrant & { id: string } } | { existing: string };
  prepared: PreparedTokens;
  ctx: AuditContext;
  clientId: string;
  event(issued: IssuedTokens): TokenEventFacts;
  spentMeanwhile(): Promise<never>;
}): Promise<IssuedTokens> {
  const { grant } = input;
  try {
    return await db().$transaction(async (tx) => {
      if (!(await input.consume(tx))) throw new CredentialSpentMeanwhile();
      if ("create" in grant) await createGrant(tx, grant.create);
      else await tx.grant.update({ where: { id: grant.existing }, data: { lastUsedAt: new Date() } });
      const issued = await recordTokens(tx, input.prepared);
      await appendAudit(tx, [tokenAuditEvent(input.ctx, input.clientId, issued, input.event(issued))]);
      return issued;
    });
  } catch (error) {
    if (error instanceof CredentialSpentMeanwhile) return input.spentMeanwhile();
    throw error;
  }
}
