import { recordAudit, type AuditRecord } from "@/lib/audit";
import type { DecisionParty } from "@/lib/mcp/caller";
import type { ProtocolRevision } from "@/lib/mcp/check-protocol-revision";
import type { TraceContext } from "@/lib/mcp/trace-context";

export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
  /** The JSON-RPC method and id, and the tool named, when the body could be read. */
  method?: string;
  jsonRpcId?: string | number | null;
  tool?: string;
  /** The W3C trace context the request carried (`_meta` or HTTP headers), to join the audit to the caller's traces. */
  trace?: TraceContext;
  /** The protocol revision, once the request's headers and body are known to agree. */
  revision?: ProtocolRevision;
}

export interface DecisionEvent {
  decision: "allow" | "deny";
  /** The reason path: `user … → role … → scope … → tool …`, or the first failing link. */
  reason: string;
  /** Who the token speaks for, when there was a sound one. */
  party?: DecisionParty;
  meta: RequestMeta;
  /** The failed check (or `allowed`), the HTTP status answered, and anything a reviewer needs to follow up. */
  detail: Record<string, unknown>;
}

/**
 * Writes a decision to the audit log and resolves once it is durable (group commit). For an allow the caller must
 * await it before running anything, and refuse the call if it rejects (DESIGN §6: fail closed).
 */
export function recordDecision(event: DecisionEvent): Promise<AuditRecord> {
  const { party, meta } = event;
  return recordAudit({
    kind: event.decision === "allow" ? "decision.allow" : "decision.deny",
    // A refused AuthKit token of a WorkOS user linked to no local user is still attributed to its client.
    actor: party?.userId ? `user:${party.userId}` : party ? `client:${party.clientId}` : "anonymous",
    subject: party?.userId ?? null,
    clientId: party?.clientId ?? null,
    tool: meta.tool ?? null,
    scopes: party?.scopes ?? [],
    decision: event.decision,
    reason: event.reason,
    requestId: meta.requestId,
    ip: meta.ip,
    detail: {
      ...(meta.method ? { method: meta.method } : {}),
      ...(typeof meta.jsonRpcId === "number" || (typeof meta.jsonRpcId === "string" && meta.jsonRpcId.length <= 128) ? { jsonRpcId: meta.jsonRpcId } : {}),
      ...(meta.revision ? { protocolEra: meta.revision.era, ...(meta.revision.version ? { protocolVersion: meta.revision.version } : {}) } : {}),
      ...(meta.trace ? { traceparent: meta.trace.traceparent, ...(meta.trace.tracestate ? { tracestate: meta.trace.tracestate } : {}) } : {}),
      ...party?.auditDetail,
      ...event.detail,
    },
  });
}
