import { Badge, type BadgeTone } from "@/components/ui/badge";

const STATUS_TONE: Record<string, BadgeTone> = { active: "green", revoked: "red", expired: "neutral" };

/** A grant's status: active (a usable token), expired or revoked. */
export function GrantStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "neutral"}>{status}</Badge>;
}
