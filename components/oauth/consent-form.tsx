import { ScopeToggles } from "@/components/oauth/scope-toggles";
import { UnavailableScopes } from "@/components/oauth/unavailable-scopes";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import type { ConsentScreen } from "@/lib/oauth/authorize/prepare-consent-screen";

/**
 * The consent screen. A plain form posting to the authorization endpoint (works without JavaScript); the request's
 * parameters ride along as hidden fields and are validated again there.
 */
export function ConsentForm({ screen, userEmail }: { screen: ConsentScreen; userEmail: string }) {
  return (
    <form method="post" action="/oauth/authorize" aria-label="Consent" className="space-y-4">
      {Object.entries(screen.params).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="consent_token" value={screen.consentToken} />
      <p className="text-sm text-slate-700">
        <strong data-testid="consent-client-name">{screen.clientName}</strong> wants to act as <strong>{userEmail}</strong> at
        Portcullis.
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-md bg-slate-50 px-3 py-2 text-sm">
        <dt className="text-slate-500">Sends you back to</dt>
        <dd className="font-mono text-slate-900" data-testid="consent-redirect-host">{screen.redirectHost}</dd>
        <dt className="text-slate-500">Identified by</dt>
        <dd className="break-all text-slate-900">
          {screen.identity.kind === "metadata_document" ? (
            <>metadata document on <span className="font-mono">{screen.identity.host}</span></>
          ) : (
            <>registration <span className="font-mono">{screen.clientId}</span></>
          )}
        </dd>
      </dl>
      {screen.identity.kind === "registered" ? (
        <p className="text-xs text-slate-500">The app chose its own name when it registered; Portcullis cannot verify it.</p>
      ) : null}
      {screen.loopbackRedirect ? (
        <Notice tone="warning">
          The answer goes to a program on this computer ({screen.redirectHost}). Continue only if you just started connecting
          an app on this computer.
        </Notice>
      ) : null}
      {screen.loopbackOnly ? (
        <div data-testid="consent-loopback-only">
          <Notice tone="warning">
            This app can receive answers only on this computer: every address it registered is a local one. Any program
            running here could use that address and call itself {screen.clientName}, so only its name says which app this
            is. Allow it only if you know which program asked.
          </Notice>
        </div>
      ) : null}
      {screen.scopes.length > 0 ? (
        <ScopeToggles scopes={screen.scopes} />
      ) : (
        <Notice tone="warning">None of the permissions this app asked for are available to you, so it cannot be given access.</Notice>
      )}
      <UnavailableScopes scopes={screen.unavailable} />
      <div className="flex gap-3">
        {screen.scopes.length > 0 ? (
          <Button type="submit" name="decision" value="allow" className="flex-1">
            Allow
          </Button>
        ) : null}
        <Button type="submit" name="decision" value="deny" variant="secondary" className="flex-1">
          {screen.scopes.length > 0 ? "Deny" : "Return to the app"}
        </Button>
      </div>
    </form>
  );
}
