/** "Sign in with WorkOS", beside the password form, when WORKOS_CONSOLE_SIGN_IN is on. A plain link: no script needed. */
export function WorkosSignIn({ from }: { from?: string }) {
  const href = `/auth/workos/start?${new URLSearchParams({ from: from ?? "/" })}`;
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400">
        <span className="h-px flex-1 bg-slate-200" />
        or
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <a
        href={href}
        className="inline-flex w-full items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
      >
        Sign in with WorkOS
      </a>
    </div>
  );
}
