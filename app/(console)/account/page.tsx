import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Card, PageHeader } from "@/components/ui/page-header";
import { Notice } from "@/components/ui/notice";
import { consoleUser } from "@/lib/auth/console-user";
import { hasOwnPassword } from "@/lib/users/has-own-password";

export const metadata = { title: "Your account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const me = await consoleUser();
  const params = await searchParams;
  const hasPassword = await hasOwnPassword(me.id);
  return (
    <>
      <PageHeader title="Your account" description={`${me.name} · ${me.email}`} />
      <Card title="Password">
        {params.changed ? (
          <div className="mb-4">
            <Notice tone="success">Your password is changed. Every other session of yours has ended; this one continues.</Notice>
          </div>
        ) : null}
        {hasPassword ? (
          <ChangePasswordForm />
        ) : (
          <p className="text-sm text-slate-600">You sign in with WorkOS: this account has no Portcullis password.</p>
        )}
      </Card>
    </>
  );
}
