import { createHash } from "node:crypto";
import type { AuditRecord } from "@/lib/audit/types";

export const GENESIS_HASH = "0".repeat(64);

/**
 * JSON with object keys sorted at every depth, so equal events always serialise to equal bytes. Written as loops over
 * sorted keys (no intermediate entry arrays): the writer runs it on every event's detail, on the hot path of `/mcp`.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  // Default sort: UTF-16 code unit order, the same order as comparing the keys with `<`.
  const keys = Object.keys(value).sort();
  let out = "{";
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

const text = (value: string | null | undefined) => JSON.stringify(value ?? null);

/**
 * The hashed form of an event: every stored field except the two hashes, as `canonicalJson` of
 * `{seq, at, kind, actor, subject, clientId, tool, scopes, decision, reason, requestId, ip, detail}` would write it —
 * written out with the keys already in their sorted order, since every event has the same ones (the writer and a full
 * verification run this once per event; hash-chain.test.ts holds it to the general form).
 */
export function canonicalEvent(event: Omit<AuditRecord, "prevHash" | "hash">): string {
  return (
    `{"actor":${text(event.actor)},"at":${JSON.stringify(event.at.toISOString())},"clientId":${text(event.clientId)},` +
    `"decision":${text(event.decision)},"detail":${canonicalJson(event.detail ?? {})},"ip":${text(event.ip)},` +
    `"kind":${JSON.stringify(event.kind)},"reason":${text(event.reason)},"requestId":${text(event.requestId)},` +
    `"scopes":${canonicalJson(event.scopes)},"seq":${JSON.stringify(event.seq.toString())},"subject":${text(event.subject)},` +
    `"tool":${text(event.tool)}}`
  );
}

/** The general form `canonicalEvent` writes out by hand: the reference it is tested against. */
export function canonicalEventReference(event: Omit<AuditRecord, "prevHash" | "hash">): string {
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
  return hashCanonical(prevHash, canonicalEvent(event));
}

/** The same hash from the event's canonical form already written (the writer stores that text too). */
export function hashCanonical(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}
