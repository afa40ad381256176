/** The kinds of audit event (DESIGN §6). Dotted, area first. */
export const AUDIT_KINDS = [
  "admin.login",
  "admin.login_failed",
  "admin.logout",
  "admin.setup",
  "console.denied",
  "user.created",
  "user.updated",
  "user.password_changed",
  "user.password_reset",
  "user.password_change_failed",
  "user.disabled",
  "user.enabled",
  "user.role_assigned",
  "user.role_removed",
  "user.linked",
  "user.link_refused",
  "policy.changed",
  "client.registered",
  "client.approved",
  "client.rejected",
  "client.suspended",
  "client.reactivated",
  "client.updated",
  "client.deleted",
  "client.changed",
  "client.authentication_failed",
  "authorization.granted",
  "authorization.denied",
  "token.issued",
  "token.refreshed",
  "token.revoked",
  "token.reuse_detected",
  "grant.revoked",
  "consent.withdrawn",
  "revocation.lifted",
  "key.rotated",
  "settings.changed",
  "decision.allow",
  "decision.deny",
  "approval.requested",
  "approval.approved",
  "approval.denied",
  "approval.used",
  "approval.expired",
  "approval.voided",
  "audit.verified",
  "audit.exported",
  "audit.archived",
  "bridge.started",
  "bridge.completed",
  "bridge.failed",
  "throttle.summary",
  "maintenance.swept",
  "idp.trusted",
  "idp.removed",
  "idp.account_linked",
  "assertion_grant.refused",
  "server.added",
  "server.updated",
  "server.removed",
  "server.refreshed",
  "server.refresh_failed",
  "server.tool_held",
  "server.tool_accepted",
  "gateway.call",
  "gateway.relay",
  "sink.added",
  "sink.removed",
  "sink.tested",
  "sink.lagging",
  "sink.recovered",
  "review.started",
  "review.decided",
  "review.closed",
  "review.reported",
  "impact.previewed",
  "impact.saved",
  "impact.cancelled",
] as const;

export type AuditKind = (typeof AUDIT_KINDS)[number];

/** What a caller records. The log adds sequence number, time and the hash chain. */
export interface AuditEventInput {
  kind: AuditKind;
  /** Who acted: `user:<id>`, `client:<id>`, `cli`, `system`, or `anonymous`. */
  actor?: string | null;
  /** Whom it concerns (usually a user id). */
  subject?: string | null;
  clientId?: string | null;
  tool?: string | null;
  scopes?: string[];
  decision?: "allow" | "deny" | null;
  reason?: string | null;
  requestId?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** A stored event, as the chain hashes it. */
export interface AuditRecord {
  seq: bigint;
  at: Date;
  kind: string;
  actor: string | null;
  subject: string | null;
  clientId: string | null;
  tool: string | null;
  scopes: string[];
  decision: string | null;
  reason: string | null;
  requestId: string | null;
  ip: string | null;
  detail: unknown;
  prevHash: string;
  hash: string;
}
