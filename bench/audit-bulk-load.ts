/**
 * The fast bulk loader of the audit benchmarks: real hash-chained audit events streamed into "AuditEvent" with
 * PostgreSQL's COPY (pg-copy-streams), one COPY per million events. Every event's hash is computed exactly as the
 * writer computes it (chainHash over the canonical event, linked to the previous hash), so a full `audit verify`
 * passes on the loaded log. The events follow bench/audit-page.ts's synthetic mix (70 % tool-call decisions, 85 % of
 * them allowed, 200 clients of skewed popularity, 20 tools, 5,000 users), dated evenly over `spanMs` up to `end`.
 *
 * JavaScript builds and hashes each event (a few µs) while PostgreSQL inserts the previous chunk into its month's
 * partition and eight indexes: on two cores the two sides run side by side.
 */
import { once } from "node:events";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { chainHash, GENESIS_HASH } from "@/lib/audit/hash-chain";

export interface BulkLoadOptions {
  events: number;
  /** Time of the last event (ms since the epoch) and the span the events cover, evenly. */
  end: number;
  spanMs: number;
  /** Called about once a second. */
  onProgress?: (loaded: number, elapsedMs: number) => void;
}

const COLUMNS = `"seq", "at", "kind", "actor", "subject", "clientId", "tool", "scopes", "decision", "reason", "requestId", "ip", "detail", "prevHash", "hash"`;
const PER_COPY = 1_000_000;
const CHUNK_BYTES = 1 << 20;
const SKEW_FACTOR = 2654435761 % 1000003;

const userId = (g: number) => `00000000-0000-4000-8000-${String((g * 7907) % 5000).padStart(12, "0")}`;

/** COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL. */
function field(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : value;
}

/** Event number g of the synthetic log (the same mix bench/audit-page.ts seeds with SQL). */
function syntheticEvent(g: number, at: Date) {
  const bucket = g % 100;
  const kind =
    bucket < 70 ? ((g * 31) % 100 < 85 ? "decision.allow" : "decision.deny")
    : bucket < 85 ? "token.issued"
    : bucket < 95 ? "token.refreshed"
    : bucket < 98 ? "policy.changed"
    : "admin.login";
  const isDecision = kind.startsWith("decision.");
  const user = userId(g);
  const skew = (((g % 1000003) * SKEW_FACTOR) % 1000003) / 1000003;
  const tool = isDecision ? `tool_${((g * 40503) % 97) % 20}` : null;
  return {
    seq: BigInt(g),
    at,
    kind,
    actor: kind === "policy.changed" || kind === "admin.login" ? "user:bench-admin" : `user:${user}`,
    subject: user,
    clientId: isDecision || kind.startsWith("token.") ? `client-${String(Math.floor(200 * skew * skew)).padStart(3, "0")}` : null,
    tool,
    scopes: ["clients:read"],
    decision: isDecision ? (kind === "decision.allow" ? "allow" : "deny") : null,
    reason: isDecision ? `user ${user} → role reader → scope clients:read → tool ${tool}` : kind,
    requestId: `bench-${g}`,
    ip: `10.0.${g % 250}.${(g * 7) % 250}`,
    detail: isDecision ? { status: kind === "decision.allow" ? 200 : 403 } : {},
  };
}

/**
 * Appends `events` chained events to an empty audit log through `client` (a plain `pg` connection). Returns the
 * events per second over the whole load, and the head it wrote.
 */
export async function bulkLoadAuditEvents(client: pg.Client, { events, end, spanMs, onProgress }: BulkLoadOptions): Promise<{ rate: number; head: { seq: string; hash: string } }> {
  const step = spanMs / events;
  const firstAt = Math.floor(end - (events - 1) * step);
  // Each month's partition exists before its rows arrive (rows without one would land in the default partition).
  await client.query(`SELECT "portcullis_ensure_audit_partitions"($1::timestamptz, 3)`, [new Date(firstAt)]).catch((error) => {
    if (!/does not exist/.test((error as Error).message)) throw error;
  });
  let prev = GENESIS_HASH;
  const started = performance.now();
  let lastReport = started;
  for (let first = 1; first <= events; first += PER_COPY) {
    const last = Math.min(events, first + PER_COPY - 1);
    const stream = client.query(copyFrom(`COPY "AuditEvent" (${COLUMNS}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
    });
    let chunk = "";
    for (let g = first; g <= last; g++) {
      const event = syntheticEvent(g, new Date(Math.floor(end - (events - g) * step)));
      const hash = chainHash(prev, event);
      chunk +=
        `${g}\t${event.at.toISOString()}\t${event.kind}\t${field(event.actor)}\t${field(event.subject)}\t${field(event.clientId)}\t${field(event.tool)}\t` +
        `{${event.scopes.join(",")}}\t${field(event.decision)}\t${field(event.reason)}\t${field(event.requestId)}\t${field(event.ip)}\t` +
        `${field(JSON.stringify(event.detail))}\t${prev}\t${hash}\n`;
      prev = hash;
      if (chunk.length >= CHUNK_BYTES) {
        if (!stream.write(chunk)) await once(stream, "drain");
        chunk = "";
        const now = performance.now();
        if (onProgress && now - lastReport >= 1000) {
          lastReport = now;
          onProgress(g, now - started);
        }
      }
    }
    stream.end(chunk);
    await done;
  }
  const elapsed = performance.now() - started;
  return { rate: Math.round((events * 1000) / elapsed), head: { seq: String(events), hash: prev } };
}
