import { z } from "zod";
import { auditCheckpointSchema } from "@/lib/audit/checkpoint-signature";
import type { AuditRecord } from "@/lib/audit/types";

/**
 * An audit archive is a JSON Lines file: this header, then every event of one month in chain order (the export's JSON
 * form, hashes included), then the signed checkpoint of its last event. Self-contained: the events recompute from the
 * header's `firstPrevHash`, and the checkpoint ties the last hash to the deployment's key.
 */
export const AUDIT_ARCHIVE_TYPE = "portcullis.audit-archive";

const SEQ = z.string().regex(/^[1-9][0-9]{0,18}$/);
const HASH = z.string().regex(/^[0-9a-f]{64}$/);

export const auditArchiveHeaderSchema = z.object({
  type: z.literal(AUDIT_ARCHIVE_TYPE),
  version: z.literal(1),
  partition: z.string().min(1),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  firstSeq: SEQ,
  lastSeq: SEQ,
  events: z.string().regex(/^[0-9]+$/),
  firstPrevHash: HASH,
  issuer: z.string().min(1),
});
export type AuditArchiveHeader = z.infer<typeof auditArchiveHeaderSchema>;

export const auditArchiveEventSchema = z.object({
  seq: SEQ,
  at: z.iso.datetime({ offset: true }),
  kind: z.string(),
  actor: z.string().nullable(),
  subject: z.string().nullable(),
  clientId: z.string().nullable(),
  tool: z.string().nullable(),
  scopes: z.array(z.string()),
  decision: z.string().nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.unknown(),
  prevHash: HASH,
  hash: HASH,
});

export { auditCheckpointSchema as auditArchiveCheckpointSchema };

/** An archived event line back in the form the chain hashes. */
export function archivedRecord(line: z.infer<typeof auditArchiveEventSchema>): AuditRecord {
  return { ...line, seq: BigInt(line.seq), at: new Date(line.at), detail: (line.detail ?? {}) as AuditRecord["detail"] };
}
