import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "@/lib/audit/hash-chain";
import { deriveKey } from "@/lib/derive-key";
import { env } from "@/lib/env";

export const CHECKPOINT_TYPE = "portcullis.audit-checkpoint";

/**
 * A signed statement that the audit chain reached event `seq` with hash `hash`: the form stored, logged and exported.
 * Everything is a string, so it survives any JSON log store unchanged.
 */
export const auditCheckpointSchema = z.object({
  type: z.literal(CHECKPOINT_TYPE),
  issuer: z.string().min(1),
  seq: z.string().regex(/^[1-9][0-9]{0,18}$/, "must be a positive event number"),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 hash in lower-case hex"),
  at: z.iso.datetime({ offset: true }),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, "must be an Ed25519 signature in base64url"),
});

export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;

// PKCS #8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410 §7), so Node accepts a key derived with HKDF.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

let keys: { secret: string; privateKey: KeyObject; publicKey: KeyObject } | undefined;

/**
 * Ed25519 rather than an HMAC: the key is derived from the deployment secret like every other Portcullis key, but
 * whoever holds the checkpoint copies (a log store, an auditor) can check them with the public half alone.
 */
function checkpointKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  const { secret } = env();
  if (keys?.secret !== secret) {
    const seed = deriveKey("audit-checkpoint-signing");
    const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    keys = { secret, privateKey, publicKey: createPublicKey(privateKey) };
  }
  return keys;
}

/** The bytes signed: every field but the signature, in canonical JSON. */
function signedBytes(checkpoint: Omit<AuditCheckpoint, "signature">): Buffer {
  const { type, issuer, seq, hash, at } = checkpoint;
  return Buffer.from(canonicalJson({ type, issuer, seq, hash, at }));
}

/** Signs that the chain reached `seq` with `hash`, now, for this deployment. */
export function signCheckpoint(head: { seq: bigint; hash: string }, at: Date = new Date()): AuditCheckpoint {
  const unsigned = { type: CHECKPOINT_TYPE, issuer: env().issuer, seq: head.seq.toString(), hash: head.hash, at: at.toISOString() } as const;
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), checkpointKeys().privateKey).toString("base64url") };
}

/** True only for a checkpoint this deployment signed, unaltered in any field. */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint): boolean {
  return verify(null, signedBytes(checkpoint), checkpointKeys().publicKey, Buffer.from(checkpoint.signature, "base64url"));
}

/** The same Ed25519 key, for other documents this deployment signs for auditors (access-review reports). */
export function checkpointSigningKey(): KeyObject {
  return checkpointKeys().privateKey;
}

/** The public key that checks this deployment's checkpoints (JWK), for verifiers outside Portcullis. */
export function checkpointVerificationKey(): { kty: string; crv: string; x: string } {
  const { kty, crv, x } = checkpointKeys().publicKey.export({ format: "jwk" });
  return { kty: kty!, crv: crv!, x: x! };
}
