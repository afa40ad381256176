import Link from "next/link";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { AttentionItem } from "@/lib/dashboard/load-needs-attention";

const LABEL: Record<AttentionItem["kind"], { text: string; tone: BadgeTone }> = {
  look_alike_client: { text: "look-alike", tone: "amber" },
  risky_client: { text: "risky client", tone: "red" },
  denied_user: { text: "denials", tone: "red" },
  denied_client: { text: "denials", tone: "red" },
  denial_spike: { text: "spike", tone: "red" },
};

/** What to look at first, each linking to the view that shows it. Streams in after the counts. */
export async function NeedsAttention({ items: pending }: { items: Promise<AttentionItem[]> }) {
  const items = await pending;
  return (
    <section aria-labelledby="needs-attention-title" className="mt-6 rounded-lg border border-amber-200 bg-white p-5 shadow-sm">
      <h2 id="needs-attention-title" className="mb-3 text-base font-semibold text-slate-900">Needs attention</h2>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing stands out: no risky or look-alike client waits, and no denials in the last day.</p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="needs-attention">
          {items.map((item) => (
            <li key={`${item.kind}-${item.href}`} className="flex items-start gap-2 py-2 text-sm" data-testid="attention-item" data-kind={item.kind}>
              <Badge tone={LABEL[item.kind].tone}>{LABEL[item.kind].text}</Badge>
              <Link href={item.href} className="min-w-0 break-words text-brand-700 hover:underline">{item.text}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
