import type { AuditContext, AuditEventInput } from "@/lib/audit";
import type { IssuedTokens } from "@/lib/issuance/record-tokens";

/** What differs between the audit events of issued tokens: the rest comes from the request and the tokens. */
export interface TokenEventFacts {
  kind: "token.issued" | "token.refreshed";
  /** The user the tokens act for. */
  subject: string;
  reason: string;
  detail: Record<string, unknown>;
}

/** The audit event of tokens issued to `clientId` for the request `ctx`, with the scopes the access token carries. */
export function tokenAuditEvent(ctx: AuditContext, clientId: string, issued: IssuedTokens, facts: TokenEventFacts): AuditEventInput {
  return { ...facts, actor: ctx.actor, clientId, scopes: issued.scopes, ip: ctx.ip, requestId: ctx.requestId };
}
