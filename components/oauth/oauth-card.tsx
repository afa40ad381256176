/** The frame of the authorization pages (consent, device): the brand and one card, a little wider than sign-in. */
export function OAuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-lg">
        <div className="mb-6 flex items-center justify-center gap-2 text-xl font-semibold text-brand-900">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded bg-brand-600 text-white">P</span>
          Portcullis
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
          <div className="mt-4 space-y-4">{children}</div>
        </div>
      </div>
    </main>
  );
}
