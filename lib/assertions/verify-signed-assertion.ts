import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { AssertionRejected } from "@/lib/assertions/assertion-rejected";
import {
  ASSERTION_CLOCK_SKEW_SECONDS,
  ASSERTION_SIGNING_ALGS,
  MAX_ASSERTION_BYTES,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from "@/lib/assertions/assertion-rules";
import { consumeAssertionId } from "@/lib/assertions/consume-assertion-id";
import { jwksProblem } from "@/lib/assertions/jwks-problem";
import { loadRemoteJwks } from "@/lib/assertions/load-remote-jwks";

/** Where the signer's public keys are: registered inline, or at a URL fetched defensively. */
export type KeySource = { jwks: unknown } | { jwksUri: string };

export interface AssertionExpectations {
  keys: KeySource;
  /** The `iss` it must carry. */
  issuer: string;
  /** The `sub` it must carry, when the caller knows it (a client assertion: the client's id). */
  subject?: string;
  /** `aud` must contain one of these. */
  audiences: string[];
  /** The `typ` header it must carry (an ID-JAG's `oauth-id-jag+jwt`). */
  typ?: string;
  /** Whether `iat` is required (ID-JAG §3.1) or only checked when present (RFC 7523 §3). */
  requireIat: boolean;
  /** Replay bookkeeping is per kind of assertion, so one kind's jti cannot block another's. */
  replayScope: string;
  /** The caller's own claim checks, run after the signature and time checks and before the jti is spent. */
  check?: (payload: JWTPayload) => void | Promise<void>;
}

type Verified = JWTPayload & { iss: string; exp: number; jti: string };

const reject = (reason: string): never => {
  throw new AssertionRejected(reason);
};

/** jose's refusal, in words for the audit trail. */
function joseReason(error: unknown): string | null {
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the signature does not verify";
  if (error instanceof errors.JWKSNoMatchingKey) return "no registered key matches the assertion's kid and alg";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the signing algorithm is not allowed";
  if (error instanceof errors.JWTExpired) return "the assertion has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} is not acceptable (${error.reason})`;
  if (error instanceof errors.JOSEError) return `the assertion is not a valid signed JWT (${error.code})`;
  return null;
}

async function keySet(source: KeySource, refresh: boolean): Promise<JSONWebKeySet> {
  if ("jwksUri" in source) return loadRemoteJwks(source.jwksUri, { refresh });
  const problem = jwksProblem(source.jwks);
  if (problem) reject(`the registered jwks ${problem}`);
  return source.jwks as JSONWebKeySet;
}

/** The checks on the compact JWS before any key is looked up, in order. */
function checkShape(assertion: string, expect: AssertionExpectations): void {
  if (assertion.length > MAX_ASSERTION_BYTES) reject(`the assertion is longer than ${MAX_ASSERTION_BYTES} bytes`);
  if (assertion.split(".").length !== 3) reject("the assertion is not a compact signed JWT");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return reject("the assertion's header cannot be decoded");
  }
  // RFC 7523 §3 item 9 and RFC 8725 §3.1: an explicit allow-list; `none` and shared-secret MACs are never accepted.
  if (!(ASSERTION_SIGNING_ALGS as readonly string[]).includes(String(header.alg))) reject(`signing algorithm ${String(header.alg)} is not allowed`);
  if (header.crit !== undefined) reject("the assertion has critical header parameters this server does not understand");
  if (expect.typ !== undefined && String(header.typ ?? "").toLowerCase() !== expect.typ) reject(`the assertion's typ is ${String(header.typ)}, not ${expect.typ}`);
}

/** The time and identity checks jose does not make, in order. */
function checkClaims(payload: JWTPayload, expect: AssertionExpectations): Verified {
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== "number") reject("the assertion has no exp");
  if (payload.exp! > now + MAX_ASSERTION_LIFETIME_SECONDS + ASSERTION_CLOCK_SKEW_SECONDS) {
    reject(`the assertion expires more than ${MAX_ASSERTION_LIFETIME_SECONDS} s from now`);
  }
  if (expect.requireIat && typeof payload.iat !== "number") reject("the assertion has no iat");
  if (payload.iat !== undefined && payload.iat > now + ASSERTION_CLOCK_SKEW_SECONDS) reject("the assertion's iat is in the future");
  if (typeof payload.iat === "number" && payload.iat < now - MAX_ASSERTION_LIFETIME_SECONDS - ASSERTION_CLOCK_SKEW_SECONDS) {
    reject(`the assertion was issued more than ${MAX_ASSERTION_LIFETIME_SECONDS} s ago`);
  }
  if (typeof payload.jti !== "string" || payload.jti.length === 0 || payload.jti.length > 256) reject("the assertion has no usable jti");
  if (typeof payload.sub !== "string" || payload.sub.length === 0) reject("the assertion has no sub");
  if (expect.subject !== undefined && payload.sub !== expect.subject) reject("the assertion's sub is not its issuer's client");
  return payload as Verified;
}

/**
 * Verifies a signed JWT assertion — a private_key_jwt client assertion (RFC 7523 §2.2, §3) or an ID-JAG — with every
 * rule in one order: size and shape; allowed algorithm (asymmetric only) and `typ`; signature against the signer's keys
 * (a remote set is fetched again once when no key matches, for a rotation); `iss`; `aud` (this server); `exp` present,
 * not past and at most five minutes ahead; `nbf` and `iat` sane; `sub` and `jti` present; the caller's own checks; and
 * last the `jti`, spent in the shared replay table. Throws AssertionRejected with the reason.
 */
export async function verifySignedAssertion(assertion: string, expect: AssertionExpectations): Promise<Verified> {
  checkShape(assertion, expect);
  const options = {
    algorithms: [...ASSERTION_SIGNING_ALGS],
    issuer: expect.issuer,
    audience: expect.audiences,
    clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
    requiredClaims: ["exp"],
  };
  let payload: JWTPayload;
  try {
    try {
      payload = (await jwtVerify(assertion, createLocalJWKSet(await keySet(expect.keys, false)), options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !("jwksUri" in expect.keys)) throw error;
      payload = (await jwtVerify(assertion, createLocalJWKSet(await keySet(expect.keys, true)), options)).payload;
    }
  } catch (error) {
    const reason = joseReason(error);
    if (reason === null) throw error;
    return reject(reason);
  }
  const verified = checkClaims(payload, expect);
  await expect.check?.(verified);
  await consumeAssertionId(expect.replayScope, verified.iss, verified.jti, new Date(verified.exp * 1000));
  return verified;
}
