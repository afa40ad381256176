"use client";

import { ScopePicker, type PickableScope } from "@/components/roles/scope-picker";
import { ActionForm } from "@/components/ui/action-form";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { rotateSigningKeysAction } from "@/lib/actions/settings/rotate-signing-keys";
import { updateRegistrationPolicyAction } from "@/lib/actions/settings/update-registration-policy";
import { updateTokenLifetimesAction } from "@/lib/actions/settings/update-token-lifetimes";
import { updateWorkosLinkingAction } from "@/lib/actions/settings/update-workos-linking";
import type { RegistrationPolicyForm as PolicyValues } from "@/lib/settings/registration-policy-form";

const TEXTAREA =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-100";

function ListField({ name, label, hint, value, placeholder }: { name: string; label: string; hint: string; value: string; placeholder?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={`policy-${name}`} className="block text-sm font-medium text-slate-700">{label}</label>
      <textarea id={`policy-${name}`} name={name} defaultValue={value} rows={3} placeholder={placeholder} className={TEXTAREA} aria-describedby={`policy-${name}-hint`} />
      <p id={`policy-${name}-hint`} className="text-xs text-slate-500">{hint}</p>
    </div>
  );
}

export function RegistrationPolicyForm({ values, scopes }: { values: PolicyValues; scopes: PickableScope[] }) {
  return (
    <ActionForm action={updateRegistrationPolicyAction} aria-label="Registration policy" className="space-y-6">
      {(pending) => (
        <>
          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold text-slate-900">Redirect URIs</legend>
            <div className="grid gap-4 md:grid-cols-2">
              <ListField name="allowedHosts" label="Allowed redirect hosts" value={values.allowedHosts} placeholder="example.com" hint="One per line. When any are listed, https redirect URIs must be on one of them (or a subdomain). Empty: any host." />
              <ListField name="deniedHosts" label="Denied redirect hosts" value={values.deniedHosts} placeholder="evil.example" hint="One per line. Redirect URIs on these hosts (or their subdomains) are refused." />
            </div>
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="allowLoopback" defaultChecked={values.allowLoopback} className="mt-1" />
              <span>
                <span className="font-medium text-slate-800">Allow loopback redirects</span>
                <span className="block text-xs text-slate-500">http://127.0.0.1, http://[::1] and http://localhost for native and command-line clients (RFC 8252 §7.3).</span>
              </span>
            </label>
          </fieldset>
          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold text-slate-900">Auto-approval</legend>
            <p className="text-xs text-slate-500">A new client matching a rule is active at once instead of waiting in the review queue. Leave both empty to review every client.</p>
            <div className="grid gap-4 md:grid-cols-2">
              <ListField name="trustedCimdDomains" label="Trusted metadata-document domains" value={values.trustedCimdDomains} placeholder="tools.example.com" hint="A Client ID Metadata Document served from this domain (or a subdomain)." />
              <ListField name="trustedRedirectHosts" label="Trusted redirect hosts" value={values.trustedRedirectHosts} placeholder="intranet.example.com" hint="A client whose every redirect URI is on exactly this host." />
            </div>
          </fieldset>
          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold text-slate-900">Limits</legend>
            <div className="grid gap-4 sm:grid-cols-3">
              <Field label="Registrations per address" hint="Dynamic registrations one IP address may make per window.">
                <Input name="rateLimitMax" type="number" min={1} max={10000} required defaultValue={values.rateLimitMax} />
              </Field>
              <Field label="Rate-limit window (seconds)" hint="3600 = one hour.">
                <Input name="rateLimitWindowSeconds" type="number" min={1} max={86400} required defaultValue={values.rateLimitWindowSeconds} />
              </Field>
              <Field label="Pending-client cap" hint="Registration is refused while this many clients await approval.">
                <Input name="maxPendingClients" type="number" min={1} max={100000} required defaultValue={values.maxPendingClients} />
              </Field>
              <Field label="Pending clients per address" hint="…and while this many registered from one address (IPv6: one /64).">
                <Input name="maxPendingClientsPerAddress" type="number" min={1} max={100000} required defaultValue={values.maxPendingClientsPerAddress} />
              </Field>
              <Field label="Prune stale pending clients after (days)" hint="When a cap is full, delete the oldest never-used pending client older than this, if enabled below.">
                <Input name="prunePendingOlderThanDays" type="number" min={1} max={3650} required defaultValue={values.prunePendingOlderThanDays} />
              </Field>
            </div>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name="prunePendingWhenFull" defaultChecked={values.prunePendingWhenFull} />
              Make room for a new registration by pruning the oldest stale pending client (off: the registration is refused)
            </label>
          </fieldset>
          <ScopePicker scopes={scopes} selected={values.defaultScopes} name="defaultScopes" legend="Default scopes of a new client (its allow-list until an admin changes it)" />
          <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save registration policy"}</Button>
        </>
      )}
    </ActionForm>
  );
}

export function TokenLifetimesForm({ access, refresh, bounds }: { access: number; refresh: number; bounds: { access: [number, number]; refresh: [number, number] } }) {
  return (
    <ActionForm action={updateTokenLifetimesAction} aria-label="Token lifetimes" className="space-y-4">
      {(pending) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Access-token lifetime (seconds)" hint={`${bounds.access[0]}–${bounds.access[1]}. Shorter means revocation matters less; 600 = 10 minutes.`}>
              <Input name="accessTokenSeconds" type="number" min={bounds.access[0]} max={bounds.access[1]} required defaultValue={access} />
            </Field>
            <Field label="Refresh-token lifetime (seconds)" hint={`${bounds.refresh[0]}–${bounds.refresh[1]}. 2592000 = 30 days. Rotated on every use.`}>
              <Input name="refreshTokenSeconds" type="number" min={bounds.refresh[0]} max={bounds.refresh[1]} required defaultValue={refresh} />
            </Field>
          </div>
          <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save lifetimes"}</Button>
        </>
      )}
    </ActionForm>
  );
}

export function WorkosLinkingForm({ domains }: { domains: string[] }) {
  return (
    <ActionForm action={updateWorkosLinkingAction} aria-label="WorkOS account linking" className="space-y-4">
      {(pending) => (
        <>
          <ListField
            name="autoLinkEmailDomains"
            label="Email domains that link automatically"
            hint="One per line. A WorkOS identity whose email WorkOS marks verified, at exactly one of these domains, is linked to the Portcullis account with that email — never to an account holding iam_admin or a write scope (link those with `users link-workos`). List only domains whose identity providers you trust: with bring-your-own SSO, anyone can assert any address."
            value={domains.join("\n")}
            placeholder="example.com"
          />
          <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save linking"}</Button>
        </>
      )}
    </ActionForm>
  );
}

export function RotateKeysButton() {
  return (
    <ActionForm
      action={rotateSigningKeysAction}
      aria-label="Rotate signing keys"
      confirm="Sign new tokens with a new key? The current key stays published until the last token it signed has expired."
    >
      {(pending) => <Button type="submit" disabled={pending}>{pending ? "Rotating…" : "Rotate signing key"}</Button>}
    </ActionForm>
  );
}
