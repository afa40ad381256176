import { appendAudit, type AuditEventInput } from "@/lib/audit";
import { db } from "@/lib/db/client";
import type { PreparedTokens } from "@/lib/grants/prepare-tokens";
import { accessTokenRow, issuedTokens, type IssuedTokens } from "@/lib/grants/record-tokens";
import { processState } from "@/lib/process-state";

/** The grant was revoked before the token could be recorded: the token was never valid; the caller may retry. */
export class GrantNoLongerLive extends Error {
  constructor(readonly grantId: string) {
    super(`grant ${grantId} is revoked`);
    this.name = "GrantNoLongerLive";
  }
}

interface Pending {
  prepared: PreparedTokens;
  audit: (issued: IssuedTokens) => AuditEventInput;
  resolve(issued: IssuedTokens): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
const state = processState("access-token-writer", () => ({ queue: [] as Pending[], flushing: false }));

async function flush(): Promise<void> {
  if (state.flushing) return;
  state.flushing = true;
  try {
    while (state.queue.length > 0) {
      const batch = state.queue.splice(0, MAX_BATCH);
      try {
        const outcomes = await db().$transaction(async (tx) => {
          const grantIds = [...new Set(batch.map((p) => p.prepared.grantId))];
          // Liveness check and "last used" in one statement: a grant revoked before this commit gets no token.
          const rows = await tx.$queryRaw<Array<{ id: string }>>`
            UPDATE "Grant" SET "lastUsedAt" = now() WHERE "id" = ANY(${grantIds}::text[]) AND "revokedAt" IS NULL RETURNING "id"`;
          const live = new Set(rows.map((r) => r.id));
          const accepted = batch.filter((p) => live.has(p.prepared.grantId)).map((p) => p.prepared);
          // One statement for the whole batch: the row-per-token cost is what limits an embedded database.
          if (accepted.length > 0) {
            const rows = accepted.map(accessTokenRow);
            await tx.$executeRaw`
              INSERT INTO "AccessToken" ("jti", "grantId", "scopes", "issuedAt", "expiresAt")
              SELECT j, g, string_to_array(s, ' '), (i::timestamptz AT TIME ZONE 'UTC'), (e::timestamptz AT TIME ZONE 'UTC')
              FROM unnest(${rows.map((r) => r.jti)}::text[], ${rows.map((r) => r.grantId)}::text[], ${rows.map((r) => r.scopes.join(" "))}::text[],
                          ${rows.map((r) => r.issuedAt.toISOString())}::text[], ${rows.map((r) => r.expiresAt.toISOString())}::text[]) AS t(j, g, s, i, e)`;
          }
          const results = batch.map((p) =>
            live.has(p.prepared.grantId) ? issuedTokens(p.prepared) : new GrantNoLongerLive(p.prepared.grantId),
          );
          await appendAudit(
            tx,
            batch.flatMap((pending, i) => {
              const result = results[i];
              return result instanceof GrantNoLongerLive ? [] : [pending.audit(result)];
            }),
          );
          return results;
        });
        batch.forEach((pending, i) => {
          const result = outcomes[i];
          if (result instanceof GrantNoLongerLive) pending.reject(result);
          else pending.resolve(result);
        });
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
      }
    }
  } finally {
    state.flushing = false;
  }
}

/**
 * Records an access token under a live grant together with its audit event, and resolves once both are durable.
 * Group commit, as for the audit log: tokens requested while a transaction is in flight share the next one, so
 * issuance throughput grows with load while every caller still waits for its own commit — a token is never handed
 * out before its row and its audit event exist. Rejects with GrantNoLongerLive when the grant was revoked meanwhile.
 */
export function commitAccessToken(prepared: PreparedTokens, audit: (issued: IssuedTokens) => AuditEventInput): Promise<IssuedTokens> {
  if (prepared.refresh) throw new Error("commitAccessToken records access tokens only");
  return new Promise<IssuedTokens>((resolve, reject) => {
    state.queue.push({ prepared, audit, resolve, reject });
    void flush();
  });
}
