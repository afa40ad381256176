import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ConsentForm } from "@/components/oauth/consent-form";
import { OAuthCard } from "@/components/oauth/oauth-card";
import { clientIp, requestId } from "@/lib/http/client-address";
import { prepareConsentScreen } from "@/lib/oauth/authorize/prepare-consent-screen";
import { signedInUser } from "@/lib/oauth/authorize/signed-in-user";

export const metadata = { title: "Authorize an app" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ConsentPage({ searchParams }: { searchParams: SearchParams }) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) search.append(key, v);
  }
  // Any problem — not signed in, request no longer valid — goes back through the authorization endpoint, which knows
  // whether to show it or send it to the app.
  const back = `/oauth/authorize?${search}`;
  const user = await signedInUser();
  if (!user) redirect(`/login?from=${encodeURIComponent(back)}`);
  const h = await headers();
  const screen = await prepareConsentScreen(search, user, { actor: `user:${user.id}`, ip: clientIp(h), requestId: requestId(h) });
  if (!screen) redirect(back);
  return (
    <OAuthCard title={`Allow ${screen.clientName} to use Portcullis?`}>
      <ConsentForm screen={screen} userEmail={user.email} />
    </OAuthCard>
  );
}
