import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import {
  archivedRecord,
  auditArchiveCheckpointSchema,
  auditArchiveEventSchema,
  auditArchiveHeaderSchema,
  type AuditArchiveHeader,
} from "@/lib/audit/audit-archive-format";
import { checkpointSignatureValid, type AuditCheckpoint } from "@/lib/audit/checkpoint-signature";
import { canonicalJson, chainHash } from "@/lib/audit/hash-chain";

export interface AuditArchiveReport {
  ok: boolean;
  /** What is wrong with the file, when not ok: the first problem found. */
  problem: string | null;
  header: AuditArchiveHeader | null;
  events: number;
  lastHash: string | null;
  checkpoint: AuditCheckpoint | null;
  /** SHA-256 of the file's bytes, hex: what the database recorded when it archived the file. */
  sha256: string;
  elapsedMs: number;
}

export interface VerifyArchiveOptions {
  /** The deployment's checkpoint key as a JWK (`audit checkpoint --public-key`): verify without the secret. */
  publicKey?: { kty: string; crv: string; x: string };
}

function signatureValid(checkpoint: AuditCheckpoint, key: KeyObject | undefined): boolean {
  if (!key) return checkpointSignatureValid(checkpoint);
  const { type, issuer, seq, hash, at } = checkpoint;
  return verify(null, Buffer.from(canonicalJson({ type, issuer, seq, hash, at })), key, Buffer.from(checkpoint.signature, "base64url"));
}

/**
 * Checks an audit archive file on its own, without the database: the header, every event's link and hash recomputed
 * from the header's first link, the count, and the closing checkpoint — the last event's hash, signed with this
 * deployment's key (or the given public key). Reads the file once, as a stream.
 */
export async function verifyAuditArchive(path: string, { publicKey }: VerifyArchiveOptions = {}): Promise<AuditArchiveReport> {
  const started = performance.now();
  const key = publicKey ? createPublicKey({ key: publicKey, format: "jwk" }) : undefined;
  const digest = createHash("sha256");
  const stream = createReadStream(path);
  stream.on("data", (chunk) => digest.update(chunk));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: AuditArchiveHeader | null = null;
  let checkpoint: AuditCheckpoint | null = null;
  let events = 0;
  let prevHash: string | null = null;
  let expected = 0n;
  let problem: string | null = null;
  let lineNo = 0;
  try {
    for await (const text of lines) {
      lineNo += 1;
      if (problem) continue; // keep reading: the digest covers the whole file
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        problem = `line ${lineNo} is not JSON`;
        continue;
      }
      if (!header) {
        const parsed = auditArchiveHeaderSchema.safeParse(value);
        if (!parsed.success) problem = "the first line is not an audit archive header";
        else ({ data: header } = parsed), (prevHash = header.firstPrevHash), (expected = BigInt(header.firstSeq));
        continue;
      }
      if (checkpoint) {
        problem = `line ${lineNo} follows the closing checkpoint`;
        continue;
      }
      if ((value as { type?: unknown })?.type === "portcullis.audit-checkpoint") {
        const parsed = auditArchiveCheckpointSchema.safeParse(value);
        if (!parsed.success) problem = `line ${lineNo}: the closing checkpoint is malformed`;
        else checkpoint = parsed.data;
        continue;
      }
      const parsed = auditArchiveEventSchema.safeParse(value);
      if (!parsed.success) {
        problem = `line ${lineNo} is not an audit event`;
        continue;
      }
      const record = archivedRecord(parsed.data);
      if (record.seq !== expected) problem = `event ${expected} is missing: line ${lineNo} holds event ${record.seq}`;
      else if (record.prevHash !== prevHash) problem = `event ${record.seq} does not follow event ${record.seq - 1n}`;
      else if (chainHash(record.prevHash, record) !== record.hash) problem = `event ${record.seq} was changed after it was written`;
      else {
        prevHash = record.hash;
        expected += 1n;
        events += 1;
      }
    }
  } catch (error) {
    problem = `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  if (!problem) {
    if (!header) problem = "the file is empty";
    else if (!checkpoint) problem = "the closing checkpoint is missing: the file was cut short";
    else if (String(events) !== header.events || (expected - 1n).toString() !== header.lastSeq) {
      problem = `the header promises ${header.events} events up to #${header.lastSeq}; the file holds ${events} up to #${expected - 1n}`;
    } else if (checkpoint.seq !== header.lastSeq || checkpoint.hash !== prevHash) {
      problem = `the closing checkpoint vouches for event ${checkpoint.seq} with another hash than the archive's last event`;
    } else if (!signatureValid(checkpoint, key)) {
      problem = "the closing checkpoint does not carry this deployment's signature";
    }
  }
  return {
    ok: problem === null,
    problem,
    header,
    events,
    lastHash: prevHash,
    checkpoint,
    sha256: digest.digest("hex"),
    elapsedMs: performance.now() - started,
  };
}
