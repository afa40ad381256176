import { FlattenedSign, flattenedVerify, importJWK, type FlattenedJWS, type JWK } from "jose";
import { checkpointSigningKey, checkpointVerificationKey } from "@/lib/audit/checkpoint-signature";
import { csvField } from "@/lib/audit/format-audit-export";
import { AppError } from "@/lib/errors";
import { REVIEW_REPORT_TYPE, type ReviewReport } from "@/lib/reviews/build-review-report";

const CSV_COLUMNS = ["item_id", "grant_id", "user", "client", "scopes_before", "decision", "scopes_after", "decided_by", "decided_at", "seconds_to_decide", "by_default", "note"];

/** One row per item (RFC 4180, formula-safe like the audit export). */
export function reviewReportCsv(report: ReviewReport): string {
  const rows = report.items.map((i) =>
    [i.itemId, i.grantId, i.user, i.client, i.scopesBefore.join(" "), i.decision ?? "undecided", i.scopesAfter.join(" "), i.decidedBy, i.decidedAt, i.secondsToDecide?.toString() ?? "", String(i.byDefault), i.note]
      .map(csvField)
      .join(","),
  );
  return `${[CSV_COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}

/**
 * The report as a JWS in the flattened JSON serialization (RFC 7515 §7.2.2), EdDSA over Ed25519 with the key that signs
 * the audit checkpoints. `payload` is the report (base64url JSON); the signature covers `protected.payload` — what
 * `openssl pkeyutl -verify -rawin` checks given the public key (docs/access-reviews.md).
 */
export async function signReviewReport(report: ReviewReport): Promise<FlattenedJWS> {
  const { x } = checkpointVerificationKey();
  return new FlattenedSign(new TextEncoder().encode(JSON.stringify(report)))
    .setProtectedHeader({ alg: "EdDSA", typ: REVIEW_REPORT_TYPE, kid: `ed25519:${x}` })
    .sign(checkpointSigningKey());
}

/**
 * Checks a signed report with a public key (the deployment's own when none is given: `reviews public-key` prints it for
 * auditors) and returns the report it vouches for. Any changed byte fails.
 */
export async function verifyReviewReport(text: string, publicJwk: JWK = checkpointVerificationKey()): Promise<ReviewReport> {
  let jws: FlattenedJWS;
  try {
    jws = JSON.parse(text) as FlattenedJWS;
  } catch {
    throw new AppError("invalid_input", "The signed report is not JSON.");
  }
  if (typeof jws?.payload !== "string" || typeof jws.signature !== "string" || typeof jws.protected !== "string") {
    throw new AppError("invalid_input", "The signed report is not a flattened JWS (payload, protected, signature).");
  }
  try {
    const key = await importJWK({ ...publicJwk, alg: "EdDSA" }, "EdDSA");
    const { payload, protectedHeader } = await flattenedVerify(jws, key, { algorithms: ["EdDSA"] });
    if (protectedHeader?.typ !== REVIEW_REPORT_TYPE) throw new Error("not an access-review report");
    const report = JSON.parse(new TextDecoder().decode(payload)) as ReviewReport;
    if (report.type !== REVIEW_REPORT_TYPE) throw new Error("not an access-review report");
    return report;
  } catch (error) {
    throw new AppError("invalid_input", `The report's signature does not verify: ${(error as Error).message}.`);
  }
}
