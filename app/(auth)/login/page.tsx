import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { WorkosSignIn } from "@/components/auth/workos-sign-in";
import { Notice } from "@/components/ui/notice";
import { needsSetup } from "@/lib/auth/create-first-admin";
import { env } from "@/lib/env";
import { workosSignInMessage } from "@/lib/workos/workos-sign-in-messages";

export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  if (await needsSetup()) redirect("/setup");
  const params = await searchParams;
  return (
    <AuthCard title="Sign in to the console">
      <div className="space-y-4">
        {params.setup === "done" ? <Notice tone="success">Your admin account is ready. Sign in with it.</Notice> : null}
        {params.signedOut ? <Notice>You have signed out.</Notice> : null}
        {params.error === "session" ? <Notice tone="warning">Your session is no longer valid. Sign in again.</Notice> : null}
        {params.workos ? <Notice tone="error">{workosSignInMessage(params.workos)}</Notice> : null}
        <LoginForm from={params.from} />
        {env().workos.consoleSignIn ? <WorkosSignIn from={params.from} /> : null}
      </div>
    </AuthCard>
  );
}
