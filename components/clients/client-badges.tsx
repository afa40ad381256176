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

/** The client's one risk rating (lib/clients/assess-client-risk), worded the same in the queue and on its page. */
export function RiskBadge({ risk, count, title }: { risk: "high" | "medium" | "low" | null; count?: number; title?: string }) {
  const label = risk ? `${risk[0].toUpperCase()}${risk.slice(1)} risk` : "No flags";
  return (
    <span data-testid="risk-rating" data-rating={risk ?? "none"} title={title}>
      <Badge tone={risk ? RISK_TONE[risk] : "green"}>{count && count > 1 ? `${label} · ${count} flags` : label}</Badge>
    </span>
  );
}

/** Other registrations look like this one (same or confusable name, same redirect host, same software id). */
export function LookAlikeBadge({ names }: { names: string[] }) {
  if (names.length === 0) return null;
  return (
    <span data-testid="look-alike-badge" title={`Looks like: ${names.join(", ")}`}>
      <Badge tone="amber">look-alike ×{names.length}</Badge>
    </span>
  );
}
