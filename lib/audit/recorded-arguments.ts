import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/audit/hash-chain";

/** Short enough to keep every call's arguments without the log growing with them. */
const MAX_RECORDED_ARGUMENTS = 2048;

/**
 * A call's arguments as a decision event keeps them, so a condition can be tried against recorded calls (DESIGN §11,
 * §12): in full when their canonical JSON is short, and always their SHA-256 (what an approval is bound to).
 */
export function recordedArguments(args: Record<string, unknown> | undefined): Record<string, unknown> {
  if (args === undefined) return {};
  const canonical = canonicalJson(args);
  const digest = createHash("sha256").update(canonical).digest("hex");
  return Buffer.byteLength(canonical) <= MAX_RECORDED_ARGUMENTS
    ? { args, argsSha256: digest }
    : { argsSha256: digest, argsOmitted: `longer than ${MAX_RECORDED_ARGUMENTS} bytes` };
}
