import Link from "next/link";
import { Forbidden } from "@/components/console/forbidden";
import { StartReviewForm } from "@/components/reviews/start-review-form";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { consoleUser } from "@/lib/auth/console-user";
import { loadReviewsPage } from "@/lib/reviews/load-reviews-page";

export const metadata = { title: "Access reviews" };
export const dynamic = "force-dynamic";

export default async function ReviewsPage() {
  const me = await consoleUser();
  if (!me.scopes.has("audit:read") && !me.scopes.has("reviews:write")) return <Forbidden message="You need the reviews:write or audit:read scope to see access reviews." />;
  const campaigns = await loadReviewsPage();
  return (
    <>
      <PageHeader title="Access reviews" description="Certify who may do what through which client, with evidence of use. Unused scopes suggest a downscope; decisions apply from the next call; the report is signed." />
      <Card>
        {campaigns.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-reviews">No access reviews yet.</p>
        ) : (
          <table className="min-w-full text-left text-sm" data-testid="reviews">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr><th className="py-2 pr-4">Campaign</th><th className="py-2 pr-4">Status</th><th className="py-2 pr-4">Due</th><th className="py-2 pr-4">Decided</th><th className="py-2 pr-4">Undecided items</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <td className="py-2 pr-4"><Link href={`/reviews/${c.id}`} className="font-medium text-brand-700 hover:underline">{c.name}</Link></td>
                  <td className="py-2 pr-4"><Badge tone={c.status === "open" ? "brand" : "neutral"}>{c.status}</Badge></td>
                  <td className="py-2 pr-4"><Time value={c.dueAt} /></td>
                  <td className="py-2 pr-4 tabular-nums">{c.decided} / {c.items}</td>
                  <td className="py-2 pr-4">{c.undecided === "keep" ? "kept" : "revoked"} at the due date</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {me.scopes.has("reviews:write") ? (
        <Card title="Start an access review" className="mt-6">
          <StartReviewForm />
        </Card>
      ) : null}
    </>
  );
}
