import { CHECKPOINT_TYPE, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";

/** A row of the AuditCheckpoint table in the form that was signed (and logged, and exported). */
export function storedCheckpoint(row: { seq: bigint; hash: string; at: Date; issuer: string; signature: string }): AuditCheckpoint {
  return { type: CHECKPOINT_TYPE, issuer: row.issuer, seq: row.seq.toString(), hash: row.hash, at: row.at.toISOString(), signature: row.signature };
}
