import Link from "next/link";
import { Badge } from "@/components/ui/badge";

/**
 * Where WorkOS stands and how to turn it on: SSO (AuthKit) is configured by the environment, so the console can only
 * say which variables to set and link to the WorkOS page, which the navigation shows once WorkOS is in use.
 */
export function WorkosSsoSection({ issuerMode, consoleSignIn }: { issuerMode: string; consoleSignIn: boolean }) {
  const code = (text: string) => <code className="rounded bg-slate-100 px-1 py-0.5 text-xs">{text}</code>;
  const enabled = issuerMode !== "builtin";
  return (
    <div className="space-y-3 text-sm text-slate-700" data-testid="workos-sso">
      <p className="flex flex-wrap items-center gap-2">
        {enabled ? <Badge tone="green">in use</Badge> : <Badge>not enabled</Badge>}
        {enabled
          ? `MCP clients sign people in through WorkOS AuthKit (issuer mode ${issuerMode}).`
          : "Portcullis issues every token itself (issuer mode builtin); people sign in with local passwords."}
        {consoleSignIn ? " The console also offers “Sign in with WorkOS”." : ""}
      </p>
      {enabled ? null : (
        <ol className="list-decimal space-y-1 pl-5">
          <li>In the WorkOS dashboard, create an AuthKit environment; note its domain (Domains), API key and client id (API Keys).</li>
          <li>
            Set {code("PORTCULLIS_ISSUER_MODE=bridge")} (Portcullis keeps issuing tokens, people sign in at AuthKit) or {code("authkit")} (AuthKit
            issues the tokens /mcp accepts), with {code("WORKOS_AUTHKIT_DOMAIN")}, {code("WORKOS_API_KEY")} and {code("WORKOS_CLIENT_ID")}.
          </li>
          <li>Optionally {code("WORKOS_CONSOLE_SIGN_IN=true")} to offer WorkOS sign-in on the console too, then restart Portcullis.</li>
        </ol>
      )}
      <p>
        <Link href="/workos" className="text-brand-700 hover:underline">The WorkOS page: role mappings, account links and revocations →</Link>
      </p>
    </div>
  );
}
