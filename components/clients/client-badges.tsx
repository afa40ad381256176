import { Badge, type BadgeTone } from "@/components/ui/badge";

const STATUS_TONE: Record<string, BadgeTone> = { pending: "amber", active: "green", suspended: "red", rejected: "neutral" };
const SOURCE_LABEL: Record<string, string> = { dcr: "DCR", cimd: "metadata document", manual: "manual", authkit: "AuthKit" };
const RISK_TONE: Record<string, BadgeTone> = { high: "red", medium: "amber", low: "neutral" };

export function ClientStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "neutral"}>{status}</Badge>;
}

/** How the client came to exist: dynamic registration, a Client ID Metadata Document, an admin, or AuthKit. */
export function sourceLabel(source: string): string {
  return SOURCE_LABEL[source] ?? source;
}

export function RiskBadge({ risk, count }: { risk: "high" | "medium" | "low" | null; count?: number }) {
  if (!risk) return <Badge tone="green">no flags</Badge>;
  const label = risk === "low" ? "note" : `${risk} risk`;
  return <Badge tone={RISK_TONE[risk]}>{count && count > 1 ? `${label} · ${count} flags` : label}</Badge>;
}
