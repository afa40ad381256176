import { notFound, redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ContinueForm } from "@/components/authkit/continue-form";
import { Notice } from "@/components/ui/notice";
import { env } from "@/lib/env";
import { signedInUser } from "@/lib/auth/signed-in-user";
import { externalAuthIdSchema } from "@/lib/workos/external-auth-id";

export const metadata = { title: "Continue to AuthKit" };

/**
 * Bridge mode: the signed-in person confirms that AuthKit may treat them as signed in for the MCP client that asked.
 * A button, not an automatic redirect: a link crafted by someone else cannot bind your identity to their sign-in.
 */
export default async function ContinuePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  if (env().issuerMode !== "bridge") notFound();
  const params = await searchParams;
  const id = externalAuthIdSchema.safeParse(params.external_auth_id);
  if (!id.success) {
    return (
      <AuthCard title="This sign-in link is not valid">
        <Notice tone="error">{id.error.issues[0].message} Start again from your MCP client.</Notice>
      </AuthCard>
    );
  }
  const user = await signedInUser();
  if (!user) redirect(`/login?${new URLSearchParams({ from: `/authkit/continue?${new URLSearchParams({ external_auth_id: id.data })}` })}`);
  return (
    <AuthCard title="Connect your MCP client" subtitle="An MCP client asked AuthKit to sign you in. Portcullis will tell AuthKit who you are.">
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          Signed in to Portcullis as <span className="font-medium" data-testid="bridge-user">{user.email}</span>. Continue only if you started
          connecting an MCP client just now. What it may do is still decided by Portcullis on every call.
        </p>
        <ContinueForm externalAuthId={id.data} email={user.email} />
      </div>
    </AuthCard>
  );
}
