import { AuthCard } from "@/components/auth/auth-card";

/** The frame of the authorization pages (consent, device): the sign-in card, a little wider. */
export function OAuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <AuthCard title={title} wide>
      <div className="space-y-4">{children}</div>
    </AuthCard>
  );
}
