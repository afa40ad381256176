import { createHash } from "node:crypto";
import type { AuditRecord } from "@/lib/audit/types";

export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every depth, so equal events always serialise to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The hashed form of an event: every stored field except the two hashes. */
export function canonicalEvent(event: Omit<AuditRecord, "prevHash" | "hash">): string {
  return canonicalJson({
    seq: event.seq.toString(),
    at: event.at.toISOString(),
    kind: event.kind,
    actor: event.actor,
    subject: event.subject,
    clientId: event.clientId,
    tool: event.tool,
    scopes: event.scopes,
    decision: event.decision,
    reason: event.reason,
    requestId: event.requestId,
    ip: event.ip,
    detail: event.detail ?? {},
  });
}

/** hash = SHA-256(prev_hash ‖ canonical(event)), hex. */
export function chainHash(prevHash: string, event: Omit<AuditRecord, "prevHash" | "hash">): string {
  return createHash("sha256").update(prevHash).update(canonicalEvent(event)).digest("hex");
}
