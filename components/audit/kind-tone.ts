import type { BadgeTone } from "@/components/ui/badge";

/** The badge colour of an audit event kind: denials and failures red, allows green, changes brand. */
export function kindTone(kind: string): BadgeTone {
  if (kind === "decision.deny" || kind === "console.denied" || kind.endsWith("_failed") || kind === "token.reuse_detected") return "red";
  if (kind === "decision.allow") return "green";
  if (kind.endsWith(".revoked") || kind.endsWith(".disabled") || kind.endsWith(".suspended") || kind.endsWith(".rejected")) return "amber";
  if (kind.startsWith("policy.") || kind.startsWith("client.") || kind.startsWith("user.")) return "brand";
  return "neutral";
}
