/** The frame of the pages outside the console (sign-in, setup, consent, device): the brand and one card. */
export function AuthCard({
  title,
  subtitle,
  wide = false,
  children,
}: {
  title: string;
  subtitle?: string;
  /** A little wider, for the authorization pages. */
  wide?: boolean;
  children: React.ReactNode;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className={`w-full ${wide ? "max-w-lg" : "max-w-sm"}`}>
        <div className="mb-6 flex items-center justify-center gap-2 text-xl font-semibold text-brand-900">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded bg-brand-600 text-white">P</span>
          Portcullis
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
          {subtitle ? <p className="mt-1 text-sm text-slate-600">{subtitle}</p> : null}
          <div className="mt-5">{children}</div>
        </div>
      </div>
    </main>
  );
}
