const WHY = {
  user_lacks: "your roles do not include it",
  client_not_allowed: "an administrator has not allowed this app to have it",
} as const;

/** Requested permissions that cannot be granted, named rather than silently dropped. */
export function UnavailableScopes({ scopes }: { scopes: Array<{ name: string; why: keyof typeof WHY }> }) {
  if (scopes.length === 0) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="unavailable-scopes">
      <p className="font-medium text-slate-700">Also requested, but not available:</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {scopes.map((s) => (
          <li key={s.name}>
            <code className="font-mono text-xs">{s.name}</code> — {WHY[s.why]}
          </li>
        ))}
      </ul>
    </div>
  );
}
