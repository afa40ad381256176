/** One checkbox per scope the user may grant, all on by default: unticking one leaves it out of the grant. */
export function ScopeToggles({ scopes }: { scopes: Array<{ name: string; description: string }> }) {
  return (
    <fieldset className="space-y-2">
      <legend className="mb-2 text-sm font-medium text-slate-700">Permissions</legend>
      {scopes.map((scope) => (
        <label key={scope.name} className="flex items-start gap-3 rounded-md border border-slate-200 px-3 py-2 text-sm hover:bg-slate-50">
          <input type="checkbox" name="grant_scope" value={scope.name} defaultChecked className="mt-0.5 h-4 w-4" aria-label={scope.name} />
          <span>
            <code className="font-mono text-xs text-slate-900">{scope.name}</code>
            <span className="block text-slate-600">{scope.description}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
