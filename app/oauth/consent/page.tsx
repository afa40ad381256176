import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ConsentForm } from "@/components/oauth/consent-form";
import { OAuthCard } from "@/components/oauth/oauth-card";
import { Notice } from "@/components/ui/notice";
import { clientIp, requestId } from "@/lib/http/client-address";
import { prepareConsentScreen } from "@/lib/oauth/authorize/prepare-consent-screen";
import { signedInUser } from "@/lib/auth/signed-in-user";

export const metadata = { title: "Authorize an app" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ConsentPage({ searchParams }: { searchParams: SearchParams }) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) search.append(key, v);
  }
  const user = await signedInUser();
  if (!user) redirect(`/login?from=${encodeURIComponent(`/oauth/consent?${search}`)}`);
  const h = await headers();
  const screen = await prepareConsentScreen(search, user, { actor: `user:${user.id}`, ip: clientIp(h), requestId: requestId(h) });
  // The authorization endpoint only sends valid requests here; one that stopped being valid (the app was suspended
  // meanwhile) is not sent anywhere — its redirect URI is no longer trusted.
  if (!screen) {
    return (
      <OAuthCard title="This request can no longer be completed">
        <Notice tone="warning">The app's authorization request is no longer valid. Start again from the app.</Notice>
      </OAuthCard>
    );
  }
  return (
    <OAuthCard title={screen.server ? `Allow ${screen.clientName} to use the ${screen.server} MCP server through Portcullis?` : `Allow ${screen.clientName} to use Portcullis?`}>
      <ConsentForm screen={screen} userEmail={user.email} />
    </OAuthCard>
  );
}
