import { notFound } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { needsSetup } from "@/lib/auth/create-first-admin";
import { setupTokenRequired } from "@/lib/auth/setup-token";

export const metadata = { title: "First-run setup" };

// This page exists only until the first user does.
export default async function SetupPage() {
  if (!(await needsSetup())) notFound();
  return (
    <AuthCard
      title="Set up Portcullis"
      subtitle="Create the first IAM admin. This page disappears once the account exists."
    >
      <SetupForm needsToken={setupTokenRequired()} />
    </AuthCard>
  );
}
