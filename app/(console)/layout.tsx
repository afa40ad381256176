import Link from "next/link";
import { ConsoleNav } from "@/components/console/console-nav";
import { NAV_ITEMS } from "@/components/console/nav-items";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/page-header";
import { signOutAction } from "@/lib/actions/auth/sign-out";
import { consoleUser } from "@/lib/auth/console-user";
import { env } from "@/lib/env";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await consoleUser();
  // The WorkOS page has something to show once WorkOS is in use: an external issuer, or WorkOS sign-in on the console.
  const workosInUse = env().issuerMode !== "builtin" || env().workos.consoleSignIn;
  const items = NAV_ITEMS.filter((item) => user.scopes.has(item.scope) && (item.when !== "external-issuer" || workosInUse));
  return (
    <div className="min-h-screen md:flex">
      <aside className="relative border-b border-slate-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:shrink-0 md:border-b-0 md:border-r">
        <div className="flex items-center justify-between px-4 py-4 md:block">
          <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-brand-900">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded bg-brand-600 text-sm text-white">P</span>
            Portcullis
          </Link>
        </div>
        <div className="px-2 pb-3 md:pb-0">
          <ConsoleNav items={items} />
        </div>
      </aside>
      <div className="min-w-0 flex-1">
        <header className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-6 py-3">
          <div className="text-right text-sm">
            <Link href="/account" className="block font-medium text-slate-900 hover:underline" data-testid="current-user">{user.email}</Link>
            <div className="text-xs text-slate-500">{user.roles.join(", ") || "no roles"}</div>
          </div>
          <form action={signOutAction}>
            <Button variant="secondary" type="submit">Sign out</Button>
          </form>
        </header>
        <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
          {user.mustChangePassword ? (
            <>
              <PageHeader title="Choose a new password" description="An administrator reset your password. Choose your own before you go on." />
              <Card>
                <ChangePasswordForm />
              </Card>
            </>
          ) : (
            children
          )}
        </main>
      </div>
    </div>
  );
}
