import { ScopeToggles } from "@/components/oauth/scope-toggles";
import { UnavailableScopes } from "@/components/oauth/unavailable-scopes";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { decideDeviceAction } from "@/lib/actions/device/decide-device";
import type { DeviceScreen } from "@/lib/oauth/device/prepare-device-screen";

/** Consent for a device (RFC 8628 §3.3): the code to compare with the device's screen, the app, the permissions. */
export function DeviceConsentForm({ screen, userEmail }: { screen: DeviceScreen; userEmail: string }) {
  const active = screen.clientStatus === "active";
  return (
    <form action={decideDeviceAction} aria-label="Device consent" className="space-y-4">
      <input type="hidden" name="user_code" value={screen.userCode} />
      <p className="text-sm text-slate-700">
        Check that your device shows <strong className="font-mono text-base tracking-widest" data-testid="device-user-code">{screen.userCode}</strong>.
        If it does not, deny: someone may be trying to get you to authorize their device.
      </p>
      <p className="text-sm text-slate-700">
        <strong data-testid="consent-client-name">{screen.clientName}</strong> wants to act as <strong>{userEmail}</strong> at Portcullis.
      </p>
      <p className="text-xs text-slate-500 break-all">
        {screen.identity.kind === "metadata_document"
          ? `Identified by a metadata document on ${screen.identity.host}.`
          : `Registration ${screen.clientId}. The app chose its own name; Portcullis cannot verify it.`}
      </p>
      {!active ? <Notice tone="warning">This app is {screen.clientStatus} and cannot be authorized.</Notice> : null}
      {active && screen.scopes.length > 0 ? <ScopeToggles scopes={screen.scopes} /> : null}
      {active && screen.scopes.length === 0 ? (
        <Notice tone="warning">None of the permissions this app asked for are available to you, so it cannot be given access.</Notice>
      ) : null}
      <UnavailableScopes scopes={screen.unavailable} />
      <div className="flex gap-3">
        {active && screen.scopes.length > 0 ? (
          <Button type="submit" name="decision" value="allow" className="flex-1">
            Allow
          </Button>
        ) : null}
        <Button type="submit" name="decision" value="deny" variant="secondary" className="flex-1">
          Deny
        </Button>
      </div>
    </form>
  );
}
