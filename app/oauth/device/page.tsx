import { redirect } from "next/navigation";
import { DeviceCodeEntry } from "@/components/oauth/device-code-entry";
import { DeviceConsentForm } from "@/components/oauth/device-consent-form";
import { OAuthCard } from "@/components/oauth/oauth-card";
import { Notice } from "@/components/ui/notice";
import { isAppError } from "@/lib/errors";
import { signedInUser } from "@/lib/auth/signed-in-user";
import { prepareDeviceScreen } from "@/lib/oauth/device/prepare-device-screen";

export const metadata = { title: "Connect a device" };

const RESULTS: Record<string, { tone: "success" | "info" | "warning"; text: string }> = {
  approved: { tone: "success", text: "Device connected. You can close this page and return to your device." },
  denied: { tone: "info", text: "Access denied. Your device will not be connected." },
  expired: { tone: "warning", text: "That code has expired or was already used. Start again on your device." },
  throttled: { tone: "warning", text: "Too many codes tried. Wait a few minutes and try again." },
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function DevicePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const userCode = typeof params.user_code === "string" ? params.user_code : undefined;
  const result = typeof params.result === "string" ? RESULTS[params.result] : undefined;
  const user = await signedInUser();
  if (!user) redirect(`/login?from=${encodeURIComponent(userCode ? `/oauth/device?user_code=${encodeURIComponent(userCode)}` : "/oauth/device")}`);

  if (result) {
    return (
      <OAuthCard title="Connect a device">
        <Notice tone={result.tone}>{result.text}</Notice>
      </OAuthCard>
    );
  }
  if (!userCode) {
    return (
      <OAuthCard title="Connect a device">
        <p className="text-sm text-slate-600">Enter the code shown by the app or command-line tool you are connecting.</p>
        <DeviceCodeEntry />
      </OAuthCard>
    );
  }
  let screen;
  let problem = "That code is not valid, has expired, or was already used. Check it and try again.";
  try {
    screen = await prepareDeviceScreen(userCode, user.id);
  } catch (error) {
    if (!isAppError(error) || error.code !== "rate_limited") throw error;
    problem = error.message;
  }
  if (!screen) {
    return (
      <OAuthCard title="Connect a device">
        <Notice tone="error">{problem}</Notice>
        <DeviceCodeEntry defaultValue={userCode} />
      </OAuthCard>
    );
  }
  return (
    <OAuthCard title={screen.server ? `Allow ${screen.clientName} to use the ${screen.server} MCP server through Portcullis?` : `Allow ${screen.clientName} to use Portcullis?`}>
      <DeviceConsentForm screen={screen} userEmail={user.email} />
    </OAuthCard>
  );
}
