import { appendAudit, type AuditContext } from "@/lib/audit";
import { changeTransaction } from "@/lib/changes/change-transaction";
import { AppError } from "@/lib/errors";
import { TOKEN_LIFETIMES_KEY, tokenLifetimes, tokenLifetimesSchema, type TokenLifetimes } from "@/lib/settings/token-lifetimes";

/**
 * Sets the lifetimes of tokens issued from now on (tokens already issued keep theirs). Bounds are validated; the change
 * and its audit event commit together, and every instance issues with the new lifetimes from its next token.
 */
export async function updateTokenLifetimes(input: unknown, ctx: AuditContext): Promise<TokenLifetimes> {
  const parsed = tokenLifetimesSchema.safeParse(input);
  // Each message names its field already ("The access-token lifetime must be…").
  if (!parsed.success) throw new AppError("invalid_input", `${parsed.error.issues.map((i) => i.message).join("; ")}.`);
  const lifetimes = parsed.data;
  // Read before the transaction: the embedded database serves one connection at a time.
  const previous = await tokenLifetimes();
  return changeTransaction(["settings"], async (tx) => {
    await tx.setting.upsert({
      where: { key: TOKEN_LIFETIMES_KEY },
      create: { key: TOKEN_LIFETIMES_KEY, value: lifetimes, updatedBy: ctx.actor },
      update: { value: lifetimes, updatedBy: ctx.actor },
    });
    await appendAudit(tx, [
      {
        kind: "settings.changed",
        actor: ctx.actor,
        ip: ctx.ip,
        requestId: ctx.requestId,
        reason: `token lifetimes changed: access ${previous.accessTokenSeconds}s → ${lifetimes.accessTokenSeconds}s, refresh ${previous.refreshTokenSeconds}s → ${lifetimes.refreshTokenSeconds}s`,
        detail: { key: TOKEN_LIFETIMES_KEY, value: lifetimes, previous },
      },
    ]);
    return lifetimes;
  });
}
